package validators_test

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
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

// templated is Deployment d of one container, its pod template's spec
// opening with fields (YAML flow entries, each followed by a comma).
func templated(t *testing.T, fields string) *workload.Workload {
	t.Helper()
	return workloadtest.FromYAML(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: {"+fields+" containers: [{name: c, image: 'x:1'}]}}}")
}
