package mesh_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestCanaryAdvancesOneStepPerInterval(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
  annotations: {pave.dev/canary-of: web, pave.dev/canary-steps: "5,50,100", pave.dev/canary-interval: 10m}
spec: {template: {spec: {containers: [{name: c, image: "x:1"}]}}}`)
	c, ok, problems := mesh.CanaryOf(w)
	if !ok || len(problems) > 0 {
		t.Fatalf("ok=%v problems=%v", ok, problems)
	}
	t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	record := func(s mesh.CanaryStatus) {
		js, _ := json.Marshal(s)
		w.Meta.Annotations[v1alpha1.AnnotationCanaryStatus] = string(js)
	}
	steps := []struct {
		at         time.Duration
		weight     int
		requeueMin time.Duration
	}{
		{0, 5, 10 * time.Minute},
		{5 * time.Minute, 5, 5 * time.Minute}, // not yet
		{10 * time.Minute, 50, 10 * time.Minute},
		{20 * time.Minute, 100, 0}, // last step: nothing more to do
		{90 * time.Minute, 100, 0},
	}
	for _, st := range steps {
		s, requeue := mesh.NextStatus(w, c, t0.Add(st.at))
		if s.Weight != st.weight || requeue != st.requeueMin {
			t.Fatalf("at +%s: weight %d requeue %s, want %d %s (%s)", st.at, s.Weight, requeue, st.weight, st.requeueMin, s.Message)
		}
		record(s)
		if got := mesh.CurrentWeight(w, c); got != st.weight {
			t.Fatalf("at +%s: CurrentWeight %d, want %d", st.at, got, st.weight)
		}
	}
}

func TestCanaryWithoutStepsFollowsTheAnnotation(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary, annotations: {pave.dev/canary-of: web, pave.dev/canary-weight: "20"}}
spec: {template: {spec: {containers: [{name: c, image: "x:1"}]}}}`)
	c, _, _ := mesh.CanaryOf(w)
	s, requeue := mesh.NextStatus(w, c, time.Now())
	if s.Weight != 20 || requeue != 0 || s.Message != "80% stable web, 20% canary" {
		t.Fatalf("%+v %s", s, requeue)
	}
}

// A canary's stable is named as its Service is, and its header is one a
// request can carry: otherwise no route would ever reach the canary.
func TestCanaryNamesWhatARouteCanMatch(t *testing.T) {
	for _, tc := range []struct {
		of, header string
		problem    string // the annotation found wrong, "" for none
	}{
		{"web", "x-canary=true", ""},
		{"web", "X-Canary=1", ""},
		{"My_Web.v2", "", v1alpha1.AnnotationCanaryOf},
		{"web", "x canary=1", v1alpha1.AnnotationCanaryHeader},
		{"web", "x-canary:=1", v1alpha1.AnnotationCanaryHeader},
		{"web", "x-canary= true", v1alpha1.AnnotationCanaryHeader},
		{"web", "x-canary=a\x01b", v1alpha1.AnnotationCanaryHeader},
	} {
		w := workloadtest.FromYAML(t, workloadtest.Served("web-canary", "shop"))
		w.Meta.Annotations = map[string]string{v1alpha1.AnnotationCanaryOf: tc.of}
		if tc.header != "" {
			w.Meta.Annotations[v1alpha1.AnnotationCanaryHeader] = tc.header
		}
		_, _, problems := mesh.CanaryOf(w)
		switch {
		case tc.problem == "" && len(problems) > 0:
			t.Errorf("of %q, header %q: problems %+v", tc.of, tc.header, problems)
		case tc.problem != "" && (len(problems) != 1 || problems[0].Annotation != tc.problem):
			t.Errorf("of %q, header %q: problems %+v, want one of %s", tc.of, tc.header, problems, tc.problem)
		}
	}
}
