package zones_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// pod is one endpoint of the reachability table.
type pod struct {
	name, namespace, zone string
	labels                map[string]string
	ports                 []corev1.ContainerPort
}

// The zone matrix, proven by cyclonus' NetworkPolicy engine rather than by
// reading YAML: the NetworkPolicies generated for the example cluster are
// fed to it, and its verdict on every pair of pods, on every port, must be
// the policy's — every allowed pair reachable on its declared ports, every
// other pair and port blocked, DNS reachable, the outside reached only as
// the zone's egress says.
func TestReachabilityMatchesThePolicy(t *testing.T) {
	ex := buildExample(t, v1alpha1.IsolationNetworkPolicy, v1alpha1.MeshOff)
	var nps []*networkingv1.NetworkPolicy
	for _, o := range ex.objects {
		np, ok := o.(*networkingv1.NetworkPolicy)
		if !ok {
			t.Fatalf("%T in the NetworkPolicy target", o)
		}
		nps = append(nps, np)
	}
	engine := matcher.BuildNetworkPolicies(false, nps)

	var pods []pod
	for i, w := range ex.workloads {
		pods = append(pods, pod{name: w.Name(), namespace: w.Meta.Namespace, zone: w.PodMeta.Labels[v1alpha1.LabelZone],
			labels: w.PodMeta.Labels, ports: w.PodSpec.Containers[0].Ports})
		if ex.envs[i].Namespace.Name != w.Meta.Namespace {
			t.Fatalf("%s: env of namespace %s", w.Name(), ex.envs[i].Namespace.Name)
		}
	}
	ingress := pod{name: "ingress-controller", namespace: "ingress-nginx", labels: map[string]string{"app": "ingress-nginx"}}
	dns := pod{name: "coredns", namespace: "kube-system", labels: map[string]string{"k8s-app": "kube-dns"},
		ports: []corev1.ContainerPort{{ContainerPort: 53, Protocol: corev1.ProtocolUDP}, {ContainerPort: 53, Protocol: corev1.ProtocolTCP}}}
	pods = append(pods, ingress, dns)

	access := ex.policy.Spec.Zones.Access
	callers := func(zone string) []string { // straight from the policy, not from the generator
		out := []string{zone}
		for _, a := range access {
			if a.Zone == zone {
				out = append(out, a.AllowFrom...)
			}
		}
		return out
	}
	outside := func(zone string) bool {
		return slices.ContainsFunc(access, func(a v1alpha1.ZoneAccess) bool { return a.Zone == zone && a.FromOutside })
	}
	// The platform's namespaces are never isolated, whatever zone label
	// their pods carry.
	isolated := func(p pod) bool {
		return !slices.Contains([]string{"monitoring", "ingress-nginx", "kube-system"}, p.namespace)
	}
	serves := func(p pod) bool { return p.name != "migrate" } // a Job's pods take no traffic

	checked := 0
	for _, src := range pods {
		for _, dst := range pods {
			if src.name == dst.name {
				continue
			}
			// Every declared port of dst, and one it does not declare.
			ports := append(slices.Clone(dst.ports), corev1.ContainerPort{ContainerPort: 6666, Protocol: corev1.ProtocolTCP})
			for _, port := range ports {
				proto := port.Protocol
				if proto == "" {
					proto = corev1.ProtocolTCP
				}
				declared := port.ContainerPort != 6666
				var want bool
				switch {
				case dst.name == "coredns":
					want = declared || !isolated(src) // DNS, on its port only
				case !isolated(dst):
					want = !isolated(src) // the platform's own namespaces are left alone
				case !declared || !serves(dst):
					want = false
				case src.namespace == "monitoring":
					want = true
				case src.name == "ingress-controller":
					want = outside(dst.zone)
				case isolated(src):
					want = slices.Contains(callers(dst.zone), src.zone)
				}
				if dst.namespace == "monitoring" && isolated(src) {
					want = false // a zone's pods reach only zones, DNS and their egress
				}
				got := engine.IsTrafficAllowed(traffic(src, peer(dst), int(port.ContainerPort), proto)).IsAllowed()
				if got != want {
					t.Errorf("%s/%s (zone %q) -> %s/%s (zone %q) %d/%s: reachable=%v, the policy says %v",
						src.namespace, src.name, src.zone, dst.namespace, dst.name, dst.zone, port.ContainerPort, proto, got, want)
				}
				checked++
			}
		}
		// Outside the cluster: only public reaches the internet, on 443, and
		// never the private range it excepts.
		for _, out := range []struct {
			ip   string
			port int
			want bool
		}{
			{"203.0.113.7", 443, src.zone == "public" || !isolated(src)},
			{"203.0.113.7", 80, !isolated(src)},
			{"10.1.2.3", 443, !isolated(src)},
		} {
			got := engine.IsTrafficAllowed(traffic(src, &matcher.TrafficPeer{IP: out.ip}, out.port, corev1.ProtocolTCP)).IsAllowed()
			if got != out.want {
				t.Errorf("%s/%s (zone %q) -> %s:%d: reachable=%v, want %v", src.namespace, src.name, src.zone, out.ip, out.port, got, out.want)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d verdicts checked", checked)
	}
	t.Logf("%d verdicts agree with the policy's matrix", checked)
}

func peer(p pod) *matcher.TrafficPeer {
	return &matcher.TrafficPeer{IP: fmt.Sprintf("10.244.0.%d", len(p.name)), Internal: &matcher.InternalPeer{
		PodLabels: p.labels, Namespace: p.namespace,
		NamespaceLabels: namespaceLabels(p),
	}}
}

func namespaceLabels(p pod) map[string]string {
	out := map[string]string{v1alpha1.LabelNamespaceName: p.namespace}
	if z := zoneOf(p.namespace); z != "" {
		out[v1alpha1.LabelZone] = z
	}
	return out
}

func traffic(src pod, dst *matcher.TrafficPeer, port int, proto corev1.Protocol) *matcher.Traffic {
	return &matcher.Traffic{Source: peer(src), Destination: dst, ResolvedPort: port, Protocol: proto}
}
