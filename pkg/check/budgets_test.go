package check_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// A workload is judged against the input's PodDisruptionBudgets in its
// namespace, wherever in the input they are, as the admission server judges
// it against the cluster's: a budget that keeps every replica available is
// warned of; one in another namespace is not.
func TestCheckJudgesTheInputsBudgets(t *testing.T) {
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	budget := func(ns string) string {
		return "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: " + ns + "}\nspec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n"
	}
	for ns, want := range map[string]bool{"shop": true, "other": false} {
		// The Deployment first: the budget after it in the input counts.
		in := []manifest.Input{{Source: "in.yaml", Data: []byte(deployment + "---\n" + budget(ns))}}
		rep := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "shop"})
		if len(rep.Errors) > 0 {
			t.Fatalf("%s: input errors: %v", ns, rep.Errors)
		}
		i := slices.IndexFunc(rep.Objects, func(o check.Object) bool { return o.Kind == "Deployment" })
		if i < 0 {
			t.Fatalf("%s: no Deployment judged", ns)
		}
		if got := slices.Contains(rules(rep.Objects[i]), "disruption-budget-replicas"); got != want {
			t.Errorf("budget in %s: disruption-budget-replicas found %v, want %v: %+v", ns, got, want, rep.Objects[i].Violations)
		}
	}
}

// An object the input defines twice is one object in the cluster, the last
// kubectl applied: a budget in two files is one budget, named once, and a
// later definition that selects other pods replaces the first.
func TestCheckHoldsTheLastDefinitionOfABudget(t *testing.T) {
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	budget := func(meta, app string) string {
		return "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {" + meta + "}\nspec: {minAvailable: 1, selector: {matchLabels: {app: " + app + "}}}\n"
	}
	for name, c := range map[string]struct {
		first, second string
		want          string // the finding's message, or "" for none
	}{
		"the same budget twice": {budget("name: web, namespace: shop", "web"), budget("name: web, namespace: shop", "web"),
			`Deployment "web" runs 1 replica(s) and PodDisruptionBudget "web" keeps 1 available`},
		"its namespace implied, then written": {budget("name: web", "web"), budget("name: web, namespace: shop", "web"),
			`Deployment "web" runs 1 replica(s) and PodDisruptionBudget "web" keeps 1 available`},
		"redefined to select other pods": {budget("name: web, namespace: shop", "web"), budget("name: web, namespace: shop", "other"), ""},
		"two budgets": {budget("name: web, namespace: shop", "web"), budget("name: web-too, namespace: shop", "web"),
			`Deployment "web"'s pods are selected by PodDisruptionBudgets "web" and "web-too"`},
	} {
		t.Run(name, func(t *testing.T) {
			in := []manifest.Input{
				{Source: "a.yaml", Data: []byte(c.first)},
				{Source: "b.yaml", Data: []byte(deployment + "---\n" + c.second)},
			}
			rep := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "shop"})
			if len(rep.Errors) > 0 || len(rep.Objects) != 3 {
				t.Fatalf("input errors %v, %d objects, want 3: each document is still reported", rep.Errors, len(rep.Objects))
			}
			var got []string
			for _, v := range rep.Objects[1].Violations {
				if v.Rule == "disruption-budget-replicas" {
					got = append(got, v.Message)
				}
			}
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("warned of a budget the input redefined: %q", got)
			case c.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.want)):
				t.Errorf("findings %q, want one that starts %q", got, c.want)
			}
		})
	}
}
