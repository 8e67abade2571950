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
