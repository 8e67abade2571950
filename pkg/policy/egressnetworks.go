package policy

import (
	"net/netip"

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
// internet-but-private on 443 beside a database network on 5432 kept the
// database out. Subtracted, each entry is one allowance, and they add up
// in either API. A network that does not parse (the policy's load refuses
// it) reaches nothing.
func EgressNetworks(e v1alpha1.ZoneEgress) []netip.Prefix {
	n, err := netip.ParsePrefix(e.CIDR)
	if err != nil {
		return nil
	}
	except := make([]netip.Prefix, 0, len(e.Except))
	for _, x := range e.Except {
		if p, err := netip.ParsePrefix(x); err == nil {
			except = append(except, p.Masked())
		}
	}
	return subtract(n.Masked(), except)
}

// subtract is n less every prefix of except: n whole if none overlaps it,
// nothing if one covers it, else its two halves, each less except.
func subtract(n netip.Prefix, except []netip.Prefix) []netip.Prefix {
	overlaps := false
	for _, x := range except {
		if x.Bits() <= n.Bits() && x.Contains(n.Addr()) {
			return nil
		}
		overlaps = overlaps || x.Overlaps(n)
	}
	if !overlaps {
		return []netip.Prefix{n}
	}
	return append(subtract(netip.PrefixFrom(n.Addr(), n.Bits()+1), except), subtract(upperHalf(n), except)...)
}

// upperHalf is the upper half of n. n is never a single address here: an
// exception that overlaps one covers it.
func upperHalf(n netip.Prefix) netip.Prefix {
	a := n.Addr().AsSlice()
	i := n.Bits()
	a[i/8] |= 0x80 >> (i % 8)
	addr, _ := netip.AddrFromSlice(a)
	return netip.PrefixFrom(addr, i+1)
}
