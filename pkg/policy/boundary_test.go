package policy_test

import (
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

func TestBoundaryOf(t *testing.T) {
	z := v1alpha1.ZonePolicy{Access: []v1alpha1.ZoneAccess{
		{Zone: "public", FromOutside: true},
		{Zone: "internal", AllowFrom: []string{"public", "internal"}},
		{Zone: "restricted", AllowFrom: []string{"internal"}},
	}}
	for _, c := range []struct {
		zone             string
		callers, reaches []string
		outside          bool
	}{
		{"public", []string{"public"}, []string{"public", "internal"}, true},
		{"internal", []string{"internal", "public"}, []string{"internal", "restricted"}, false},
		{"restricted", []string{"restricted", "internal"}, []string{"restricted"}, false},
		{"unlisted", []string{"unlisted"}, []string{"unlisted"}, false},
	} {
		b := policy.BoundaryOf(z, c.zone)
		if !slices.Equal(b.Callers, c.callers) || !slices.Equal(b.Reaches, c.reaches) || b.FromOutside != c.outside {
			t.Errorf("%s: callers %v reaches %v outside %v, want %v %v %v", c.zone, b.Callers, b.Reaches, b.FromOutside, c.callers, c.reaches, c.outside)
		}
	}
}
