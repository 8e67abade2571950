package zones

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// The Kubernetes NetworkPolicy rendering of the model.

var npType = metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}

// workloadNetworkPolicy admits to a workload's pods, on its ports, its
// zone's callers, the ingress controller where the zone takes outside
// traffic, and the scraper; when meshed the scraper also reaches the
// sidecar's metrics. Egress is the namespace baseline's (or, in the
// ClusterNetworkPolicy target, the zone boundary's).
func workloadNetworkPolicy(name, ns string, sel *metav1.LabelSelector, b policy.Boundary, iso v1alpha1.ZoneIsolation, ports []Port, meshed bool) *networkingv1.NetworkPolicy {
	from := []networkingv1.NetworkPolicyPeer{zonePeer(b.Callers, iso)}
	if b.FromOutside && iso.Ingress() != "" {
		from = append(from, namespacePeer(iso.Ingress()))
	}
	if iso.Monitoring() != "" {
		from = append(from, namespacePeer(iso.Monitoring()))
	}
	rules := []networkingv1.NetworkPolicyIngressRule{{From: from, Ports: npPorts(ports)}}
	if meshed && iso.Monitoring() != "" && len(iso.MeshSidecarPorts) > 0 {
		rules = append(rules, networkingv1.NetworkPolicyIngressRule{
			From: []networkingv1.NetworkPolicyPeer{namespacePeer(iso.Monitoring())}, Ports: npPorts(tcp(iso.MeshSidecarPorts))})
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   npType,
		ObjectMeta: metav1.ObjectMeta{Name: policyName(name), Namespace: ns, Labels: labels(b.Zone)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: *sel.DeepCopy(),
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress:     rules,
		},
	}
}

// baselineNetworkPolicy closes every pod of a namespace to traffic no other
// policy admits, and lets it reach DNS, the zones its zone may call, the
// mesh's control plane when meshed and the zone's outside destinations.
func baselineNetworkPolicy(ns string, b policy.Boundary, iso v1alpha1.ZoneIsolation, mesh bool) *networkingv1.NetworkPolicy {
	var egress []networkingv1.NetworkPolicyEgressRule
	if iso.DNS.Namespace != "" {
		egress = append(egress, networkingv1.NetworkPolicyEgressRule{
			To: []networkingv1.NetworkPolicyPeer{{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{v1alpha1.LabelNamespaceName: iso.DNS.Namespace}},
				PodSelector:       &metav1.LabelSelector{MatchLabels: iso.DNS.PodLabels},
			}},
			Ports: npPorts(dnsPorts),
		})
	}
	// No ports: the callee's own policy says which of its ports are open.
	egress = append(egress, networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{zonePeer(b.Reaches, iso)}})
	if mesh && iso.MeshNamespace != "" && len(iso.MeshPorts) > 0 {
		egress = append(egress, networkingv1.NetworkPolicyEgressRule{
			To: []networkingv1.NetworkPolicyPeer{namespacePeer(iso.MeshNamespace)}, Ports: npPorts(tcp(iso.MeshPorts))})
	}
	for _, e := range b.Egress {
		egress = append(egress, networkingv1.NetworkPolicyEgressRule{
			To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: e.CIDR, Except: e.Except}}},
			Ports: npPorts(tcp(e.Ports)),
		})
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   npType,
		ObjectMeta: metav1.ObjectMeta{Name: BaselineName, Namespace: ns, Labels: labels(b.Zone)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Egress:      egress,
		},
	}
}

var dnsPorts = []Port{{53, corev1.ProtocolUDP}, {53, corev1.ProtocolTCP}}

// isolatedNamespaces selects the namespaces whose pods are zone members:
// the ones pave governs (outside them a pod could carry any zone label,
// inside them pave decided it) but the unisolated ones.
func isolatedNamespaces(iso v1alpha1.ZoneIsolation) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: v1alpha1.LabelNamespaceName, Operator: metav1.LabelSelectorOpNotIn, Values: policy.Unisolated(iso),
	}}}
}

// zoneMembers selects the pods of the given zones.
func zoneMembers(zones []string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: v1alpha1.LabelZone, Operator: metav1.LabelSelectorOpIn, Values: append([]string(nil), zones...),
	}}}
}

func zonePeer(zones []string, iso v1alpha1.ZoneIsolation) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: isolatedNamespaces(iso), PodSelector: zoneMembers(zones)}
}

func namespacePeer(ns string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{v1alpha1.LabelNamespaceName: ns}}}
}

func tcp(ports []int32) []Port {
	out := make([]Port, len(ports))
	for i, p := range ports {
		out[i] = Port{p, corev1.ProtocolTCP}
	}
	return out
}

func npPorts(ports []Port) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, p := range ports {
		n, proto := intstr.FromInt32(p.Number), p.Protocol
		out = append(out, networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &n})
	}
	return out
}
