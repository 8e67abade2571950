package workload_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestViewPointsIntoEveryKind(t *testing.T) {
	tmpl := `{metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x:1}]}}`
	cases := []struct {
		doc, kind, specPath string
	}{
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w1}\nspec: {template: " + tmpl + "}", "Deployment", "spec.template.spec"},
		{"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w1}\nspec: {template: " + tmpl + "}", "StatefulSet", "spec.template.spec"},
		{"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w1}\nspec: {template: " + tmpl + "}", "DaemonSet", "spec.template.spec"},
		{"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w1}\nspec: {template: " + tmpl + "}", "ReplicaSet", "spec.template.spec"},
		{"apiVersion: batch/v1\nkind: Job\nmetadata: {name: w1}\nspec: {template: " + tmpl + "}", "Job", "spec.template.spec"},
		{"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w1}\nspec: {schedule: '* * * * *', jobTemplate: {spec: {template: " + tmpl + "}}}", "CronJob", "spec.jobTemplate.spec.template.spec"},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: w1, labels: {a: b}}\nspec: {containers: [{name: c, image: x:1}]}", "Pod", "spec"},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			w := workloadtest.FromYAML(t, c.doc)
			if w.Kind != c.kind || w.PodSpecPath != c.specPath {
				t.Fatalf("kind %s path %s, want %s %s", w.Kind, w.PodSpecPath, c.kind, c.specPath)
			}
			if w.PodMeta.Labels["a"] != "b" || w.PodSpec.Containers[0].Image != "x:1" {
				t.Fatalf("view does not see the pod template: %+v", w.PodMeta.Labels)
			}
			// Writes through the view land in the object.
			w.PodSpec.Containers[0].Image = "y:2"
			js, _ := w.JSON()
			again, err := workload.FromJSON(apiVersion(c.kind), c.kind, js)
			if err != nil || again.PodSpec.Containers[0].Image != "y:2" {
				t.Fatalf("write through the view was lost: %v", err)
			}
			// A deep copy is independent.
			cp := w.DeepCopy()
			cp.PodSpec.Containers[0].Image = "z:3"
			if w.PodSpec.Containers[0].Image != "y:2" {
				t.Fatal("DeepCopy shares memory with the original")
			}
		})
	}
}

func apiVersion(kind string) string {
	switch kind {
	case "Pod":
		return "v1"
	case "Job", "CronJob":
		return "batch/v1"
	}
	return "apps/v1"
}

func TestNonWorkloadKindsAreLeftAlone(t *testing.T) {
	w, err := workload.FromJSON("v1", "Service", []byte(`{"kind":"Service"}`))
	if w != nil || err != nil {
		t.Fatalf("Service: got %v, %v; want nil, nil", w, err)
	}
}

func TestRunsToCompletion(t *testing.T) {
	job := workloadtest.FromYAML(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {containers: [{name: c, image: x:1}]}}}")
	dep := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	pod := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, ownerReferences: [{apiVersion: batch/v1, kind: Job, name: j, uid: u}]}\nspec: {containers: [{name: c, image: x:1}]}")
	if !job.RunsToCompletion() || dep.RunsToCompletion() || !pod.RunsToCompletion() {
		t.Fatalf("job %v deployment %v job pod %v", job.RunsToCompletion(), dep.RunsToCompletion(), pod.RunsToCompletion())
	}
}
