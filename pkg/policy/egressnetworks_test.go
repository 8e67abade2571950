package policy

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"go4.org/netipx"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// EgressNetworks covers exactly the network less its exceptions: every
// address of the network in no exception, and no other. Checked at the
// edges of each prefix involved and at random addresses, for IPv4 and IPv6.
func TestEgressNetworksAreTheNetworkLessItsExceptions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, e := range []v1alpha1.ZoneEgress{
		{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}},
		{CIDR: "10.1.0.0/16", Except: []string{"10.1.0.1/32", "10.1.128.1/32"}},
		{CIDR: "203.0.113.0/24"},
		{CIDR: "203.0.113.0/24", Except: []string{"203.0.113.0/24"}},
		{CIDR: "2001:db8::/32", Except: []string{"2001:db8:1::/48", "2001:db8:ffff::1/128"}},
	} {
		got := EgressNetworks(e)
		in := func(a netip.Addr) bool {
			return slices.ContainsFunc(got, func(p netip.Prefix) bool { return p.Contains(a) })
		}
		n := netip.MustParsePrefix(e.CIDR)
		want := func(a netip.Addr) bool {
			return n.Contains(a) && !slices.ContainsFunc(e.Except, func(x string) bool { return netip.MustParsePrefix(x).Contains(a) })
		}
		var probes []netip.Addr
		for _, s := range append([]string{e.CIDR}, e.Except...) {
			p := netip.MustParsePrefix(s)
			probes = append(probes, p.Addr(), p.Addr().Prev(), netipx.PrefixLastIP(p), netipx.PrefixLastIP(p).Next())
		}
		for range 20000 {
			b := n.Addr().AsSlice()
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			a, _ := netip.AddrFromSlice(b)
			probes = append(probes, a)
		}
		for _, a := range probes {
			if a.IsValid() && in(a) != want(a) {
				t.Errorf("%s except %v: %s reached=%v, want %v (networks %v)", e.CIDR, e.Except, a, in(a), want(a), got)
			}
		}
		for i, p := range got {
			for _, q := range got[i+1:] {
				if p.Overlaps(q) {
					t.Errorf("%s except %v: %s and %s overlap", e.CIDR, e.Except, p, q)
				}
			}
		}
	}
	if got := EgressNetworks(v1alpha1.ZoneEgress{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}); len(got) != 8 {
		t.Errorf("0.0.0.0/0 less 10.0.0.0/8 = %v, want its 8 prefixes", got)
	}
}
