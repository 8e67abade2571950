package ingress_test

import (
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/ingress"
)

// The index finds exactly the hosts Overlap pairs, for every pair of a
// sample of exact hosts, wildcards, bare names and the catch-all.
func TestOverlapsFindsWhatOverlaps(t *testing.T) {
	hosts := []string{"", "a.example.com", "b.example.com", "*.example.com", "example.com", "*.com", "x.a.example.com",
		"*.a.example.com", "localhost", "*", "*.", "a.example.org"}
	idx := ingress.NewOverlaps(hosts)
	for _, h := range hosts {
		var want []string
		for _, other := range hosts {
			if ingress.Overlap(h, other) {
				want = append(want, other)
			}
		}
		got := idx.Of(h)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Of(%q) = %q, want %q", h, got, want)
		}
	}
}
