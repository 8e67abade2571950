package zones

import (
	"fmt"
	"slices"

	ciliumconst "github.com/cilium/cilium/pkg/k8s/apis/cilium.io"
	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	slimv1 "github.com/cilium/cilium/pkg/k8s/slim/k8s/apis/meta/v1"
	ciliumlabels "github.com/cilium/cilium/pkg/labels"
	ciliumapi "github.com/cilium/cilium/pkg/policy/api"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
)

// The CiliumNetworkPolicy rendering of the model: the same rules as the
// NetworkPolicies, in Cilium's terms. Selectors name the namespace label
// explicitly: a CiliumNetworkPolicy's peers are otherwise its own namespace's.

var cnpType = metav1.TypeMeta{APIVersion: "cilium.io/v2", Kind: "CiliumNetworkPolicy"}

// k8sKey is a Kubernetes label key as Cilium's selectors spell it.
func k8sKey(key string) string { return ciliumlabels.LabelSourceK8sKeyPrefix + key }

var namespaceKey = k8sKey(ciliumconst.PodNamespaceLabel)

func workloadCilium(name, ns string, sel *metav1.LabelSelector, b policy.Boundary, iso v1alpha1.ZoneIsolation, ports []Port, meshed bool) *ciliumv2.CiliumNetworkPolicy {
	from := []ciliumapi.EndpointSelector{ciliumZone(b.Callers, iso)}
	if b.FromOutside && iso.Ingress() != "" {
		from = append(from, ciliumNamespace(iso.Ingress(), nil))
	}
	if iso.Monitoring() != "" {
		from = append(from, ciliumNamespace(iso.Monitoring(), nil))
	}
	rules := []ciliumapi.IngressRule{{
		IngressCommonRule: ciliumapi.IngressCommonRule{FromEndpoints: from},
		ToPorts:           ciliumPorts(ports),
	}}
	if meshed && iso.Monitoring() != "" && len(iso.MeshSidecarPorts) > 0 {
		rules = append(rules, ciliumapi.IngressRule{
			IngressCommonRule: ciliumapi.IngressCommonRule{FromEndpoints: []ciliumapi.EndpointSelector{ciliumNamespace(iso.Monitoring(), nil)}},
			ToPorts:           ciliumPorts(tcp(iso.MeshSidecarPorts)),
		})
	}
	return &ciliumv2.CiliumNetworkPolicy{
		TypeMeta:   cnpType,
		ObjectMeta: metav1.ObjectMeta{Name: policyName(name), Namespace: ns, Labels: labels(b.Zone)},
		Spec: &ciliumapi.Rule{
			Description:      fmt.Sprintf("pave: who may call %s (zone %s), on its ports", name, b.Zone),
			EndpointSelector: ciliumapi.NewESFromK8sLabelSelector(ciliumlabels.LabelSourceK8sKeyPrefix, slim(sel)),
			Ingress:          rules,
		},
	}
}

func baselineCilium(ns string, b policy.Boundary, iso v1alpha1.ZoneIsolation, mesh bool) *ciliumv2.CiliumNetworkPolicy {
	var egress []ciliumapi.EgressRule
	if iso.DNS.Namespace != "" {
		egress = append(egress, ciliumapi.EgressRule{
			EgressCommonRule: ciliumapi.EgressCommonRule{ToEndpoints: []ciliumapi.EndpointSelector{ciliumNamespace(iso.DNS.Namespace, iso.DNS.PodLabels)}},
			ToPorts:          ciliumPorts(dnsPorts),
		})
	}
	egress = append(egress, ciliumapi.EgressRule{
		EgressCommonRule: ciliumapi.EgressCommonRule{ToEndpoints: []ciliumapi.EndpointSelector{ciliumZone(b.Reaches, iso)}}})
	if mesh && iso.MeshNamespace != "" && len(iso.MeshPorts) > 0 {
		egress = append(egress, ciliumapi.EgressRule{
			EgressCommonRule: ciliumapi.EgressCommonRule{ToEndpoints: []ciliumapi.EndpointSelector{ciliumNamespace(iso.MeshNamespace, nil)}},
			ToPorts:          ciliumPorts(tcp(iso.MeshPorts)),
		})
	}
	for _, e := range b.Egress {
		except := make([]ciliumapi.CIDR, len(e.Except))
		for i, x := range e.Except {
			except[i] = ciliumapi.CIDR(x)
		}
		egress = append(egress, ciliumapi.EgressRule{
			EgressCommonRule: ciliumapi.EgressCommonRule{ToCIDRSet: ciliumapi.CIDRRuleSlice{{Cidr: ciliumapi.CIDR(e.CIDR), ExceptCIDRs: except}}},
			ToPorts:          ciliumPorts(tcp(e.Ports)),
		})
	}
	rule := &ciliumapi.Rule{
		Description: fmt.Sprintf("pave: namespace %s (zone %s) takes only what a policy admits, and reaches DNS and what its zone may", ns, b.Zone),
		// Every endpoint of the namespace: Cilium adds the namespace itself.
		EndpointSelector: ciliumapi.NewESFromMatchRequirements(map[string]string{}, nil),
		Egress:           egress,
	}
	rule.WithEnableDefaultDeny(true, true)
	return &ciliumv2.CiliumNetworkPolicy{
		TypeMeta:   cnpType,
		ObjectMeta: metav1.ObjectMeta{Name: BaselineName, Namespace: ns, Labels: labels(b.Zone)},
		Spec:       rule,
	}
}

// ciliumZone selects the pods of the given zones (see isolatedNamespaces).
func ciliumZone(zones []string, iso v1alpha1.ZoneIsolation) ciliumapi.EndpointSelector {
	return ciliumapi.NewESFromMatchRequirements(nil, []slimv1.LabelSelectorRequirement{
		{Key: namespaceKey, Operator: slimv1.LabelSelectorOpNotIn, Values: policy.Unisolated(iso)},
		{Key: k8sKey(v1alpha1.LabelZone), Operator: slimv1.LabelSelectorOpIn, Values: append([]string(nil), zones...)},
	})
}

// ciliumNamespace selects the pods of one namespace, with the given labels.
func ciliumNamespace(ns string, podLabels map[string]string) ciliumapi.EndpointSelector {
	match := map[string]string{namespaceKey: ns}
	for k, v := range podLabels {
		match[k8sKey(k)] = v
	}
	return ciliumapi.NewESFromMatchRequirements(match, nil)
}

// ciliumPorts are the port rules of ports, at most mesh.CiliumPortsPerRule
// in each (a workload may declare more).
func ciliumPorts(ports []Port) ciliumapi.PortRules {
	if len(ports) == 0 {
		return nil
	}
	pp := make([]ciliumapi.PortProtocol, len(ports))
	for i, p := range ports {
		pp[i] = ciliumapi.PortProtocol{Port: fmt.Sprint(p.Number), Protocol: ciliumapi.L4Proto(p.Protocol)}
	}
	var rules ciliumapi.PortRules
	for chunk := range slices.Chunk(pp, mesh.CiliumPortsPerRule) {
		rules = append(rules, ciliumapi.PortRule{Ports: chunk})
	}
	return rules
}

// slim converts a label selector to the one Cilium's API is typed with.
func slim(sel *metav1.LabelSelector) *slimv1.LabelSelector {
	out := &slimv1.LabelSelector{MatchLabels: sel.MatchLabels}
	for _, r := range sel.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, slimv1.LabelSelectorRequirement{
			Key: r.Key, Operator: slimv1.LabelSelectorOperator(r.Operator), Values: r.Values})
	}
	return out
}
