package zones

import (
	"fmt"
	"net/netip"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cnpv1 "sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// The ClusterNetworkPolicy rendering of the model (policy.networking.k8s.io):
// one Admin-tier object per zone keeps its boundary — it passes what the zone
// allows on to the NetworkPolicy tier and denies every other pod, so no
// namespaced policy a team writes can open the zone wider — and one
// Baseline-tier object denies what no NetworkPolicy admitted.

var cnpTypeMeta = metav1.TypeMeta{APIVersion: cnpv1.GroupVersion.String(), Kind: "ClusterNetworkPolicy"}

// adminPriority is the first zone's priority in the Admin tier; zones follow
// in the order of spec.zones.names. Lower wins: leave room above for the
// platform team's own.
const adminPriority = 100

func boundaryCNP(b policy.Boundary, priority int32, iso v1alpha1.ZoneIsolation, mesh bool) *cnpv1.ClusterNetworkPolicy {
	pass, deny := cnpv1.ClusterNetworkPolicyRuleActionPass, cnpv1.ClusterNetworkPolicyRuleActionDeny
	ingress := []cnpv1.ClusterNetworkPolicyIngressRule{{
		Name: "zone-callers", Action: pass, From: []cnpv1.ClusterNetworkPolicyIngressPeer{{Pods: cnpZone(b.Callers, iso)}},
	}}
	var platform []cnpv1.ClusterNetworkPolicyIngressPeer
	if b.FromOutside && iso.Ingress() != "" {
		platform = append(platform, cnpv1.ClusterNetworkPolicyIngressPeer{Namespaces: byName(iso.Ingress())})
	}
	if iso.Monitoring() != "" {
		platform = append(platform, cnpv1.ClusterNetworkPolicyIngressPeer{Namespaces: byName(iso.Monitoring())})
	}
	if len(platform) > 0 {
		ingress = append(ingress, cnpv1.ClusterNetworkPolicyIngressRule{Name: "platform", Action: pass, From: platform})
	}
	ingress = append(ingress, cnpv1.ClusterNetworkPolicyIngressRule{
		Name: "other-pods", Action: deny, From: []cnpv1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}})

	var egress []cnpv1.ClusterNetworkPolicyEgressRule
	if iso.DNS.Namespace != "" {
		egress = append(egress, cnpv1.ClusterNetworkPolicyEgressRule{Name: "dns", Action: pass,
			To: []cnpv1.ClusterNetworkPolicyEgressPeer{{Pods: &cnpv1.NamespacedPod{
				NamespaceSelector: *byName(iso.DNS.Namespace), PodSelector: metav1.LabelSelector{MatchLabels: iso.DNS.PodLabels}}}},
			Protocols: cnpProtocols(dnsPorts)})
	}
	egress = append(egress, cnpv1.ClusterNetworkPolicyEgressRule{Name: "zone-reaches", Action: pass,
		To: []cnpv1.ClusterNetworkPolicyEgressPeer{{Pods: cnpZone(b.Reaches, iso)}}})
	if mesh && iso.MeshNamespace != "" && len(iso.MeshPorts) > 0 {
		egress = append(egress, cnpv1.ClusterNetworkPolicyEgressRule{Name: "mesh-control-plane", Action: pass,
			To: []cnpv1.ClusterNetworkPolicyEgressPeer{{Namespaces: byName(iso.MeshNamespace)}}, Protocols: cnpProtocols(tcp(iso.MeshPorts))})
	}
	egress = append(egress, cnpv1.ClusterNetworkPolicyEgressRule{Name: "other-pods", Action: deny,
		To: []cnpv1.ClusterNetworkPolicyEgressPeer{{Namespaces: &metav1.LabelSelector{}}}})
	for i, e := range b.Egress {
		// The network less its exceptions, so that the entries add up as a
		// NetworkPolicy's peers do (policy.EgressNetworks), in rules of as
		// many networks as a peer takes.
		chunks := slices.Collect(slices.Chunk(policy.EgressNetworks(e), policy.ClusterNetworkPolicyMaxNetworks))
		for k, networks := range chunks {
			name := fmt.Sprintf("egress-%d", i)
			if len(chunks) > 1 {
				name = fmt.Sprintf("egress-%d-%d", i, k)
			}
			egress = append(egress, cnpv1.ClusterNetworkPolicyEgressRule{Name: name, Action: pass,
				To: []cnpv1.ClusterNetworkPolicyEgressPeer{{Networks: prefixes(networks)}}, Protocols: cnpProtocols(tcp(e.Ports))})
		}
	}
	egress = append(egress, cnpv1.ClusterNetworkPolicyEgressRule{Name: "outside", Action: deny,
		To: []cnpv1.ClusterNetworkPolicyEgressPeer{{Networks: []cnpv1.CIDR{"0.0.0.0/0", "::/0"}}}})

	return &cnpv1.ClusterNetworkPolicy{
		TypeMeta:   cnpTypeMeta,
		ObjectMeta: metav1.ObjectMeta{Name: prefix + b.Zone, Labels: labels(b.Zone)},
		Spec: cnpv1.ClusterNetworkPolicySpec{
			Tier: cnpv1.AdminTier, Priority: priority,
			Subject: cnpv1.ClusterNetworkPolicySubject{Pods: cnpZone([]string{b.Zone}, iso)},
			Ingress: ingress, Egress: egress,
		},
	}
}

// baselineCNP denies, in every governed namespace, the ingress that no
// NetworkPolicy admitted: the pods of Jobs and bare Pods, and any port a
// workload does not declare.
func baselineCNP(governed *metav1.LabelSelector) *cnpv1.ClusterNetworkPolicy {
	return &cnpv1.ClusterNetworkPolicy{
		TypeMeta:   cnpTypeMeta,
		ObjectMeta: metav1.ObjectMeta{Name: BaselineName, Labels: map[string]string{v1alpha1.LabelManagedBy: managedBy}},
		Spec: cnpv1.ClusterNetworkPolicySpec{
			Tier: cnpv1.BaselineTier, Priority: adminPriority,
			Subject: cnpv1.ClusterNetworkPolicySubject{Namespaces: governed},
			Ingress: []cnpv1.ClusterNetworkPolicyIngressRule{{Name: "not-admitted", Action: cnpv1.ClusterNetworkPolicyRuleActionDeny,
				From: []cnpv1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}}},
		},
	}
}

func cnpZone(zones []string, iso v1alpha1.ZoneIsolation) *cnpv1.NamespacedPod {
	return &cnpv1.NamespacedPod{NamespaceSelector: *isolatedNamespaces(iso), PodSelector: *zoneMembers(zones)}
}

func byName(ns string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{v1alpha1.LabelNamespaceName: ns}}
}

func prefixes(ps []netip.Prefix) []cnpv1.CIDR {
	out := make([]cnpv1.CIDR, len(ps))
	for i, p := range ps {
		out[i] = cnpv1.CIDR(p.String())
	}
	return out
}

func cnpProtocols(ports []Port) []cnpv1.ClusterNetworkPolicyProtocol {
	var out []cnpv1.ClusterNetworkPolicyProtocol
	for _, p := range ports {
		port := &cnpv1.Port{Number: p.Number}
		switch p.Protocol {
		case "UDP":
			out = append(out, cnpv1.ClusterNetworkPolicyProtocol{UDP: &cnpv1.ClusterNetworkPolicyProtocolUDP{DestinationPort: port}})
		case "SCTP":
			out = append(out, cnpv1.ClusterNetworkPolicyProtocol{SCTP: &cnpv1.ClusterNetworkPolicyProtocolSCTP{DestinationPort: port}})
		default:
			out = append(out, cnpv1.ClusterNetworkPolicyProtocol{TCP: &cnpv1.ClusterNetworkPolicyProtocolTCP{DestinationPort: port}})
		}
	}
	return out
}
