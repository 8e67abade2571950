package check_test

import (
	"context"
	"slices"
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
