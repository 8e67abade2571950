package policy_test

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

func TestZonesInUse(t *testing.T) {
	zones := func(names ...string) v1alpha1.PlatformPolicySpec {
		return v1alpha1.PlatformPolicySpec{Zones: v1alpha1.ZonePolicy{Names: names}}
	}
	before := zones("public", "internal", "restricted")
	inUse := map[string][]string{"internal": {"shop", "legacy", "a", "b"}, "public": {"web"}, "typo": {"odd"}}
	for _, tc := range []struct {
		name string
		spec v1alpha1.PlatformPolicySpec
		want string
	}{
		{"every zone in use kept", zones("public", "internal", "restricted", "private"), ""},
		{"a zone in use renamed", zones("public", "private", "restricted"),
			`leaves out zone "internal", the pave.dev/zone label of namespace a, b, legacy and 1 more`},
		// A label no zone of the policy in force names is already denied.
		{"a zone no policy named", zones("public", "internal"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := policy.ZonesInUse(tc.spec, before, inUse)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Relabel them to one of [public private restricted] first") {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestTiersInUse(t *testing.T) {
	tiers := func(defaultTier string, names ...string) v1alpha1.PlatformPolicySpec {
		s := v1alpha1.PlatformPolicySpec{Tiers: v1alpha1.TierPolicy{DefaultTier: defaultTier}}
		for _, n := range names {
			s.Tiers.Tiers = append(s.Tiers.Tiers, v1alpha1.Tier{Name: n})
		}
		return s
	}
	before := tiers("medium", "small", "medium", "large")
	inUse := map[string][]string{"large": {"data", "ml"}, "small": {"web"}, "gold": {"odd"}}
	for _, tc := range []struct {
		name string
		spec v1alpha1.PlatformPolicySpec
		want string
	}{
		{"every tier in use kept", tiers("medium", "small", "medium", "large", "xl"), ""},
		{"a tier in use left out", tiers("medium", "small", "medium"),
			`spec.tiers.tiers: leaves out tier "large", the pave.dev/tier label of namespace data, ml: they would fall to the default tier "medium"`},
		{"a tier in use left out, no default", tiers("none", "small", "medium"), `they would fall to no tier, and no quota`},
		// A label no tier of the policy in force names has the default
		// tier already.
		{"a tier no policy named", tiers("medium", "small", "medium", "large"), ""},
		{"an unused tier left out", tiers("small", "small", "large"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := policy.InUse{Tiers: inUse}.Keeps(tc.spec, before)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
