package check_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A workload's PriorityClass is judged by the value the input gives it, as
// the admission server judges it by the cluster's: above the tier's
// maxPriority it is denied; a class the input does not hold is not judged.
func TestCheckJudgesTheInputsPriorityClasses(t *testing.T) {
	p := workloadtest.CappedPriority(t, 1000)
	eng, err := companions.Engine(p)
	if err != nil {
		t.Fatal(err)
	}
	classes := "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: platform-high}\nvalue: 1000000\n---\n" +
		"apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: 100\n"
	for class, want := range map[string]bool{"platform-high": true, "batch": false, "elsewhere": false} {
		in := []manifest.Input{{Source: "in.yaml", Data: []byte(classes + "---\n" + strings.Replace(deployment, "    spec:\n      containers:", "    spec:\n      priorityClassName: "+class+"\n      containers:", 1))}}
		rep := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "shop"})
		if len(rep.Errors) > 0 {
			t.Fatalf("%s: input errors: %v", class, rep.Errors)
		}
		i := slices.IndexFunc(rep.Objects, func(o check.Object) bool { return o.Kind == "Deployment" })
		if i < 0 {
			t.Fatalf("%s: no Deployment judged", class)
		}
		if got := slices.Contains(rules(rep.Objects[i]), "priority-class"); got != want {
			t.Errorf("%s: priority-class found %v, want %v: %+v", class, got, want, rep.Objects[i].Violations)
		}
	}
}
