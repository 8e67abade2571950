package check_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

const sloDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {pave.dev/slo-availability: "99.9", pave.dev/slo-latency: 250ms}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: registry.example.com/web:1.2.3, ports: [{containerPort: 8080}]}
`

// What pave check --render prints, checked again, passes: each companion
// that is exactly what pave's controller writes for a workload of the input
// is pave's own, the SLO rule among them, whose pave_slo: series no team
// may record. A copy changed in one expression, one without its workload,
// and every copy judged --as-team are judged as a team's objects.
func TestRenderedCompanionsArePavesOwn(t *testing.T) {
	ctx := context.Background()
	eng := defaultEngine(t)
	run := func(input string, opts check.Options) []check.Object {
		t.Helper()
		opts.Engine, opts.DefaultNamespace = eng, "payments"
		rep := check.Run(ctx, []manifest.Input{{Source: "in.yaml", Data: []byte(input)}}, opts)
		if len(rep.Errors) > 0 {
			t.Fatalf("errors: %v", rep.Errors)
		}
		return rep.Objects
	}
	first := run(sloDeployment, check.Options{Render: true})
	if len(first) != 1 || !first[0].Allowed {
		t.Fatalf("the Deployment: %+v", first)
	}
	docs := []string{string(first[0].Rendered)}
	slo := ""
	for i, c := range first[0].RenderedCompanions {
		docs = append(docs, string(c))
		if first[0].Companions[i] == "PrometheusRule payments/pave-web-slo" {
			slo = string(c)
		}
	}
	if !strings.Contains(slo, `"record":"pave_slo:`) {
		t.Fatalf("no SLO rule among the companions %v", first[0].Companions)
	}
	rendered := strings.Join(docs, "\n---\n")

	for _, render := range []bool{false, true} { // named only, or rendered
		again := run(rendered, check.Options{Render: render})
		if len(again) != len(docs) {
			t.Fatalf("render %v: %d objects, want %d", render, len(again), len(docs))
		}
		for _, o := range again[1:] {
			if !o.Allowed || len(o.Violations) > 0 || !strings.HasPrefix(o.Skipped, "pave's own companion of Deployment payments/web") {
				t.Errorf("render %v: %s: allowed %v, skipped %q, %v", render, o.Described(), o.Allowed, o.Skipped, o.Violations)
			}
		}
	}

	changed := strings.Replace(rendered, `[5m]`, `[6m]`, 1)
	if changed == rendered {
		t.Fatal("the SLO rule has no 5m window to change")
	}
	assertDeniedSLO := func(name string, objs []check.Object) {
		t.Helper()
		for _, o := range objs {
			if o.Name == "pave-web-slo" {
				if o.Allowed || o.Skipped != "" || len(o.Violations) == 0 || o.Violations[0].Rule != "monitoring-scope" {
					t.Errorf("%s: the SLO rule was allowed %v, skipped %q, %v", name, o.Allowed, o.Skipped, o.Violations)
				}
				return
			}
		}
		t.Errorf("%s: no SLO rule in the report", name)
	}
	assertDeniedSLO("changed", run(changed, check.Options{}))
	assertDeniedSLO("without its workload", run(slo, check.Options{}))
	guards, err := companions.Guards(ctx, policy.Default(), v1alpha1.Install{PaveNamespace: "pave-system"})
	if err != nil {
		t.Fatal(err)
	}
	assertDeniedSLO("--as-team", run(rendered, check.Options{Guards: guards, Groups: []string{"system:authenticated"}}))
}
