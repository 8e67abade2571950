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

// What the API server's Priority admission refuses at the pods is judged
// against the input's classes: a template's own priority other than its
// class gives is denied by pod-priority (here the input's global default,
// then no default at all), and a Pod's is an input error in that
// admission's words, since it refuses the Pod before any webhook. A Pod of
// its class's own value passes, and one of a class the input does not hold
// is left to the cluster.
func TestCheckHoldsPriorityToTheClass(t *testing.T) {
	eng, err := companions.Engine(workloadtest.CappedPriority(t, 1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	standard := "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: standard}\nvalue: 50\nglobalDefault: true\n---\n"
	batch := "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: 100\n---\n"
	withSpec := func(spec string) string {
		return strings.Replace(deployment, "    spec:\n      containers:", "    spec:\n"+spec+"      containers:", 1)
	}
	pod := func(spec string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n" + spec + "  containers: [{name: c, image: registry.example.com/shop/web:1.0, readinessProbe: {httpGet: {path: /, port: 80}}}]\n"
	}
	for _, tc := range []struct {
		what, in string
		denied   bool
		err      string
	}{
		{"a template at the default's value", standard + withSpec("      priority: 50\n"), false, ""},
		{"a template at another", standard + withSpec("      priority: 0\n"), true, ""},
		{"a template without a default", withSpec("      priority: 10\n"), true, ""},
		{"a template of its class's policy", batch + withSpec("      priorityClassName: batch\n      preemptionPolicy: PreemptLowerPriority\n"), false, ""},
		{"a template of a class the input does not hold", withSpec("      priorityClassName: elsewhere\n      priority: 10\n"), false, ""},
		{"a Pod at another value", batch + pod("  priorityClassName: batch\n  priority: 10\n"), false,
			`Pod "p" is forbidden: the integer value of priority (10) must not be provided in pod spec; priority admission controller computed 100 from the given PriorityClass name: the API server's Priority admission refuses it before any webhook`},
		{"a Pod of another preemption policy", pod("  preemptionPolicy: Never\n"), false,
			`Pod "p" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`},
		{"a Pod at its class's value", batch + pod("  priorityClassName: batch\n  priority: 100\n"), false, ""},
	} {
		rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(tc.in)}}, check.Options{Engine: eng, DefaultNamespace: "shop"})
		if tc.err != "" {
			if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), tc.err) {
				t.Errorf("%s: errors %q, want %q", tc.what, rep.Errors, tc.err)
			}
			continue
		}
		if len(rep.Errors) > 0 {
			t.Fatalf("%s: input errors: %v", tc.what, rep.Errors)
		}
		i := slices.IndexFunc(rep.Objects, func(o check.Object) bool { return o.Kind != "PriorityClass" })
		if i < 0 {
			t.Fatalf("%s: no workload judged", tc.what)
		}
		if got := slices.Contains(rules(rep.Objects[i]), "pod-priority"); got != tc.denied || rep.Objects[i].Allowed == tc.denied {
			t.Errorf("%s: pod-priority %v, want %v: %+v", tc.what, got, tc.denied, rep.Objects[i].Violations)
		}
	}
}
