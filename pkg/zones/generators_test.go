package zones_test

import (
	"context"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cnpv1 "sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
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
