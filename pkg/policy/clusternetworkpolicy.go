package policy

import (
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// ClusterNetworkPolicyMaxRules is the most egress (or ingress) rules one
// ClusterNetworkPolicy takes: its CRD's maxItems
// (sigs.k8s.io/network-policy-api v1alpha2).
const ClusterNetworkPolicyMaxRules = 25

// ClusterNetworkPolicyEgressRules is the number of egress rules of a zone's
// boundary as package zones writes it under the ClusterNetworkPolicy
// target: the DNS servers', the zones it reaches, the mesh's control
// plane's (in the Istio modes), every other pod's, one for each network
// outside the cluster, or more where the network less its exceptions is
// more CIDRs than a peer takes (EgressNetworks), and the rest of the
// world's. zones' test holds the two to the same count.
func ClusterNetworkPolicyEgressRules(s v1alpha1.PlatformPolicySpec, b Boundary) int {
	iso := s.Zones.Isolation
	n := 3 // the zones it reaches, every other pod, the rest of the world
	if iso.DNS.Namespace != "" {
		n++
	}
	if s.Mesh.Mode.UsesIstio() && iso.MeshNamespace != "" && len(iso.MeshPorts) > 0 {
		n++
	}
	for _, e := range b.Egress {
		networks := len(EgressNetworks(e))
		n += (networks + ClusterNetworkPolicyMaxNetworks - 1) / ClusterNetworkPolicyMaxNetworks
	}
	return n
}

// validateClusterNetworkPolicySize refuses, under the ClusterNetworkPolicy
// target, a zone whose boundary would hold more egress rules than the API
// takes: the API server would refuse the object, and the zone would be
// left without its boundary.
func validateClusterNetworkPolicySize(s v1alpha1.PlatformPolicySpec) error {
	if s.Zones.Isolation.InForce() != v1alpha1.IsolationClusterNetworkPolicy {
		return nil
	}
	for i, a := range s.Zones.Access {
		if n := ClusterNetworkPolicyEgressRules(s, BoundaryOf(s.Zones, a.Zone)); n > ClusterNetworkPolicyMaxRules {
			return fmt.Errorf("spec.zones.access[%d].egress: zone %q's ClusterNetworkPolicy would need %d egress rules, and the API takes at most %d (each network takes one for every %d CIDRs it is written as once its exceptions are taken out): merge networks, or leave out exceptions", i, a.Zone, n, ClusterNetworkPolicyMaxRules, ClusterNetworkPolicyMaxNetworks)
		}
	}
	return nil
}
