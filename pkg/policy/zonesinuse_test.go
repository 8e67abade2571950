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
