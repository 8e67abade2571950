package policy

import (
	"net/netip"

	"go4.org/netipx"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// ClusterNetworkPolicyMaxNetworks is the most CIDRs one ClusterNetworkPolicy
// peer takes: its CRD's maxItems of networks (sigs.k8s.io/network-policy-api
// v1alpha2).
const ClusterNetworkPolicyMaxNetworks = 25

// EgressNetworks is what an egress entry reaches: its network less its
// exceptions, as the fewest prefixes that cover exactly that. A
// ClusterNetworkPolicy decides by its first matching rule, so an exception
// written as a rule of its own (deny it, then pass the network) would also
// deny what another entry lets in, where a NetworkPolicy's peers add up:
// internet-but-private on 443 beside a database network inside it on 5432
// kept the database out. Subtracted, each entry is one allowance, and they
// add up in either API. A network that does not parse (the policy's load
// refuses it) reaches nothing.
func EgressNetworks(e v1alpha1.ZoneEgress) []netip.Prefix {
	n, err := netip.ParsePrefix(e.CIDR)
	if err != nil {
		return nil
	}
	var b netipx.IPSetBuilder
	b.AddPrefix(n.Masked())
	for _, x := range e.Except {
		if p, err := netip.ParsePrefix(x); err == nil {
			b.RemovePrefix(p.Masked())
		}
	}
	set, err := b.IPSet()
	if err != nil {
		return nil
	}
	return set.Prefixes()
}
