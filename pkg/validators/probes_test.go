package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestProbes(t *testing.T) {
	noProbe := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	got := validators.Probes{}.Validate(context.Background(), noProbe, workloadtest.Env())
	assertRules(t, got, "readiness-probe")
	if got[0].Mode != v1alpha1.ModeWarn || got[0].Field != "spec.template.spec.containers[0].readinessProbe" {
		t.Fatalf("want a warning on the probe field: %+v", got[0])
	}
	withProbe := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x:1, readinessProbe: {httpGet: {path: /, port: 80}}}]}")
	assertRules(t, validators.Probes{}.Validate(context.Background(), withProbe, workloadtest.Env()))
	job := workloadtest.FromYAML(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x:1}]}}}")
	assertRules(t, validators.Probes{}.Validate(context.Background(), job, workloadtest.Env()))
}
