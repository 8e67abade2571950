package validators_test

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/policy"
)

// assertRules checks that vs holds exactly the given rules, in order.
func assertRules(t *testing.T, vs []policy.Violation, rules ...string) {
	t.Helper()
	var got []string
	for _, v := range vs {
		got = append(got, v.Rule)
	}
	if len(got) != len(rules) {
		t.Fatalf("rules %v, want %v (%+v)", got, rules, vs)
	}
	for i := range got {
		if got[i] != rules[i] {
			t.Fatalf("rules %v, want %v", got, rules)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
