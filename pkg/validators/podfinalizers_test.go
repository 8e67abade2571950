package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A finalizer nothing removes, on a Pod or on a template whose pods the
// controllers give it, is refused at the finalizers' field, with a fix that
// names it and a measure of how many; the finalizers Kubernetes' own
// controllers take off pass.
func TestPodFinalizersKeepsPodsDrainable(t *testing.T) {
	template := func(finalizers string) *workload.Workload {
		return workloadtest.FromYAML(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}, finalizers: ["+finalizers+"]}, spec: {containers: [{name: c, image: 'x:1'}]}}}")
	}
	pod := func(finalizers string) *workload.Workload {
		return workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: ["+finalizers+"]}\nspec: {containers: [{name: c, image: 'x:1'}]}")
	}
	for _, tc := range []struct {
		what    string
		w       *workload.Workload
		field   string
		fix     string
		measure int
	}{
		{"a template's", template("example.com/hold"), "spec.template.metadata.finalizers", "remove example.com/hold from spec.template.metadata.finalizers", 1},
		{"a Pod's, beside the Job controller's", pod("batch.kubernetes.io/job-tracking, example.com/hold, kubernetes.io/hold"), "metadata.finalizers", "remove example.com/hold, kubernetes.io/hold from", 2},
		{"the Job controller's", pod("batch.kubernetes.io/job-tracking"), "", "", 0},
		{"the garbage collector's", pod("orphan, foregroundDeletion"), "", "", 0},
		{"none", template(""), "", "", 0},
	} {
		got := validators.PodFinalizers{}.Validate(context.Background(), tc.w, workloadtest.Env())
		if tc.field == "" {
			assertRules(t, got)
			continue
		}
		if len(got) != 1 || got[0].Rule != "pod-finalizers" || got[0].Field != tc.field || !got[0].Denies() || got[0].Measure != tc.measure ||
			!strings.Contains(got[0].Message, "no controller of Kubernetes removes: a node drain waits") || !strings.Contains(got[0].Fix, tc.fix) {
			t.Errorf("%s: %+v", tc.what, got)
		}
	}
}
