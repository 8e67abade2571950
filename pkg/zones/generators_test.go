package zones_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cnpv1 "sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
	"github.com/pave-dev/pave/pkg/zones"
)

// Under NamesOnly (pave check, a dry run's warnings) the ingress policies
// are listed by kind, namespace and name: the same ones, for the same
// workloads, as are written.
func TestIngressNamesOnlyNamesWhatIsWritten(t *testing.T) {
	for _, target := range []v1alpha1.IsolationTarget{v1alpha1.IsolationNetworkPolicy, v1alpha1.IsolationCilium, v1alpha1.IsolationOff} {
		t.Run(string(target), func(t *testing.T) {
			ex := buildExample(t, target, v1alpha1.MeshIstio)
			var written, named []string
			for i, w := range ex.workloads {
				full, err := zones.Ingress{}.Generate(context.Background(), w, ex.envs[i])
				if err != nil {
					t.Fatal(err)
				}
				env := ex.envs[i]
				env.NamesOnly = true
				names, err := zones.Ingress{}.Generate(context.Background(), w, env)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range full {
					written = append(written, engine.Describe(o))
				}
				for _, o := range names {
					named = append(named, engine.Describe(o))
				}
			}
			if target != v1alpha1.IsolationOff && len(written) == 0 {
				t.Fatal("the example wrote no ingress policy: nothing compared")
			}
			if len(written) != len(named) {
				t.Fatalf("written %q, named %q", written, named)
			}
			for i := range written {
				if written[i] != named[i] {
					t.Errorf("policy %d: written %q, named %q", i, written[i], named[i])
				}
			}
		})
	}
}

// The Baseline-tier default deny selects namespaces, not zones' pods: it
// leaves alone those pave does not govern (pave's own, whose metrics the
// scraper reads, and the excluded ones) as well as those zones leave alone.
func TestBaselineLeavesUngovernedNamespacesAlone(t *testing.T) {
	p, _, err := policy.Load("policy.yaml", []byte(`apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec: {zones: {isolation: {target: ClusterNetworkPolicy, monitoringNamespace: monitoring}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := zones.Boundaries{Install: v1alpha1.Install{PaveNamespace: "platform", Excluded: []string{"cert-manager"}}}.GenerateCluster(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var baseline *cnpv1.ClusterNetworkPolicy
	for _, o := range objs {
		if c, ok := o.(*cnpv1.ClusterNetworkPolicy); ok && c.Spec.Tier == cnpv1.BaselineTier {
			baseline = c
		}
	}
	if baseline == nil || baseline.Spec.Subject.Namespaces == nil || len(baseline.Spec.Subject.Namespaces.MatchExpressions) != 1 {
		t.Fatalf("no Baseline-tier policy selecting namespaces in %d objects", len(objs))
	}
	left := baseline.Spec.Subject.Namespaces.MatchExpressions[0]
	for _, ns := range []string{"kube-system", "monitoring", "platform", "cert-manager"} {
		if left.Operator != metav1.LabelSelectorOpNotIn || !slices.Contains(left.Values, ns) {
			t.Errorf("the default deny selects namespace %s: %v", ns, left)
		}
	}
}

// The policy refuses a zone whose boundary ClusterNetworkPolicy would hold
// more egress rules than the API takes (its CRD's maxItems), by a count of
// them that must be the one zones writes: each network outside the cluster
// takes a rule for every 25 CIDRs it is once its exceptions are taken out.
func TestBoundaryEgressRulesAreCountedByThePolicy(t *testing.T) {
	refused := 0
	for _, networks := range []int{0, 1, 9, 10, 11} {
		for _, mesh := range []v1alpha1.MeshMode{v1alpha1.MeshOff, v1alpha1.MeshIstio} {
			var egress []v1alpha1.ZoneEgress
			for i := range networks {
				// Less one address in each half, a /16 is 30 CIDRs: two rules.
				egress = append(egress, v1alpha1.ZoneEgress{CIDR: fmt.Sprintf("10.%d.0.0/16", i), Except: []string{fmt.Sprintf("10.%d.0.1/32", i), fmt.Sprintf("10.%d.128.1/32", i)}})
			}
			spec := policy.Default().Spec
			spec.Mesh.Mode = mesh
			spec.Zones.Isolation.Target = v1alpha1.IsolationClusterNetworkPolicy
			spec.Zones.Access = []v1alpha1.ZoneAccess{{Zone: "public", FromOutside: true, Egress: egress}, {Zone: "internal", AllowFrom: []string{"public"}}, {Zone: "restricted", AllowFrom: []string{"internal"}}}
			want := policy.ClusterNetworkPolicyEgressRules(spec, policy.BoundaryOf(spec.Zones, "public"))
			p, err := policy.FromSpec(spec)
			if fits := want <= policy.ClusterNetworkPolicyMaxRules; fits != (err == nil) {
				t.Fatalf("%d networks, mesh %s: %d rules, policy error %v", networks, mesh, want, err)
			}
			if err != nil {
				refused++
				continue
			}
			objs, err := zones.Boundaries{}.GenerateCluster(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			got := -1
			for _, o := range objs {
				if c := o.(*cnpv1.ClusterNetworkPolicy); c.Name == "pave-zone-public" {
					got = len(c.Spec.Egress)
				}
			}
			if got != want {
				t.Errorf("%d networks, mesh %s: the boundary holds %d egress rules (-1: none written), the policy counts %d", networks, mesh, got, want)
			}
		}
	}
	if refused == 0 || refused == 10 {
		t.Errorf("%d of 10 policies refused: the cases do not reach both sides of the limit", refused)
	}
}

// A policy that names no ingress controller or scraper namespace ("") lets
// neither in: the workload's NetworkPolicy admits its zone's callers alone,
// even in a zone that takes traffic from outside. The policy's "" was once
// dropped where it is laid over the built-in one, which left ingress-nginx
// and monitoring let in to every public workload.
func TestNoIngressOrScraperNamespaceLetsNoneIn(t *testing.T) {
	p := workloadtest.PolicyOf(t, `{zones: {isolation: {ingressNamespace: "", monitoringNamespace: ""}}}`)
	w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
	objs, err := zones.Ingress{}.Generate(context.Background(), w, envOf(p, exampleNamespace{name: "shop", zone: "public"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 {
		t.Fatalf("%d objects, want the workload's NetworkPolicy", len(objs))
	}
	np, ok := objs[0].(*networkingv1.NetworkPolicy)
	if !ok {
		t.Fatalf("%T, want a NetworkPolicy", objs[0])
	}
	for _, r := range np.Spec.Ingress {
		for _, from := range r.From {
			if ns := from.NamespaceSelector; ns != nil && ns.MatchLabels[v1alpha1.LabelNamespaceName] != "" {
				t.Errorf("namespace %s let in", ns.MatchLabels[v1alpha1.LabelNamespaceName])
			}
		}
	}
	if len(np.Spec.Ingress) != 1 || len(np.Spec.Ingress[0].From) != 1 {
		t.Errorf("ingress %+v, want the zone's callers alone", np.Spec.Ingress)
	}
}

// A ClusterNetworkPolicy decides by its first matching rule; a zone's
// egress entries add up, as a NetworkPolicy's peers do. The internet less
// the private ranges on 443, beside a database network inside them on
// 5432: the database is reached on 5432 and on nothing else, the internet
// on 443 only. An exception written as a Deny rule before its network kept
// the database out.
func TestBoundaryEgressEntriesAddUp(t *testing.T) {
	p := workloadtest.PolicyOf(t, `{zones: {isolation: {target: ClusterNetworkPolicy}, access: [
    {zone: public, fromOutside: true, egress: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], ports: [443]}, {cidr: 10.1.0.0/16, ports: [5432]}]},
    {zone: internal, allowFrom: [public]}, {zone: restricted, allowFrom: [internal]}]}}`)
	objs, err := zones.Boundaries{}.GenerateCluster(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var boundary *cnpv1.ClusterNetworkPolicy
	for _, o := range objs {
		if c, ok := o.(*cnpv1.ClusterNetworkPolicy); ok && c.Name == "pave-zone-public" {
			boundary = c
		}
	}
	if boundary == nil {
		t.Fatal("no boundary for zone public")
	}
	for _, c := range []struct {
		ip   string
		port int32
		want cnpv1.ClusterNetworkPolicyRuleAction
	}{
		{"203.0.113.7", 443, cnpv1.ClusterNetworkPolicyRuleActionPass},
		{"203.0.113.7", 5432, cnpv1.ClusterNetworkPolicyRuleActionDeny},
		{"10.1.2.3", 5432, cnpv1.ClusterNetworkPolicyRuleActionPass},
		{"10.1.2.3", 443, cnpv1.ClusterNetworkPolicyRuleActionDeny},
		{"10.2.0.1", 5432, cnpv1.ClusterNetworkPolicyRuleActionDeny},
		{"192.168.1.1", 443, cnpv1.ClusterNetworkPolicyRuleActionDeny},
		{"172.31.255.255", 443, cnpv1.ClusterNetworkPolicyRuleActionDeny},
		{"172.32.0.0", 443, cnpv1.ClusterNetworkPolicyRuleActionPass},
	} {
		if got := firstMatch(t, boundary.Spec.Egress, netip.MustParseAddr(c.ip), c.port); got != c.want {
			t.Errorf("%s:%d: %s, want %s", c.ip, c.port, got, c.want)
		}
	}
}

// firstMatch is the action of the first of rules whose networks hold ip and
// whose protocols (if any) take TCP port: how a ClusterNetworkPolicy decides.
func firstMatch(t *testing.T, rules []cnpv1.ClusterNetworkPolicyEgressRule, ip netip.Addr, port int32) cnpv1.ClusterNetworkPolicyRuleAction {
	t.Helper()
	for _, r := range rules {
		held := false
		for _, peer := range r.To {
			for _, n := range peer.Networks {
				held = held || netip.MustParsePrefix(string(n)).Contains(ip)
			}
		}
		takes := len(r.Protocols) == 0
		for _, p := range r.Protocols {
			takes = takes || p.TCP != nil && p.TCP.DestinationPort != nil && p.TCP.DestinationPort.Number == port
		}
		if held && takes {
			return r.Action
		}
	}
	return "none"
}
