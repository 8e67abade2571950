package engine

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The mutation's copy owns what its scope names and shares the rest with
// the original: copying what no mutator touches was a third of the bytes of
// a /mutate. (That it owns every place in scope, for every admission the
// tests hold, is TestMutationCopyOwnsItsScope.)
func TestCopyInScopeSharesTheRest(t *testing.T) {
	w, err := workload.New(benchdata.Compliant(1))
	if err != nil {
		t.Fatal(err)
	}
	c := copyInScope(w, compileScope("Deployment", []string{"metadata.labels", "pod.spec.containers.*.securityContext"}))
	orig, cp := w.Object.(*appsv1.Deployment), c.Object.(*appsv1.Deployment)
	same := func(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	for _, s := range []struct {
		what   string
		a, b   any
		shared bool
	}{
		{"the object", orig, cp, false},
		{"its labels", orig.Labels, cp.Labels, false},
		{"the containers", orig.Spec.Template.Spec.Containers, cp.Spec.Template.Spec.Containers, false},
		{"its annotations", orig.Annotations, cp.Annotations, true},
		{"the selector", orig.Spec.Selector, cp.Spec.Selector, true},
		{"the pod's labels", orig.Spec.Template.Labels, cp.Spec.Template.Labels, true},
		{"a container's environment", orig.Spec.Template.Spec.Containers[0].Env, cp.Spec.Template.Spec.Containers[0].Env, true},
		{"a container's probe", orig.Spec.Template.Spec.Containers[0].ReadinessProbe, cp.Spec.Template.Spec.Containers[0].ReadinessProbe, true},
	} {
		if got := same(s.a, s.b); got != s.shared {
			t.Errorf("%s shared: %v, want %v", s.what, got, s.shared)
		}
	}
	if c.PodSpec != &cp.Spec.Template.Spec || c.Meta != &cp.ObjectMeta {
		t.Error("the copy's view is not over the copied object")
	}
}

// The mutators' copy under the nil scope (a step that is not Scoped)
// equals its original, shares exactly the containers' resource lists with
// it, and a change anywhere else in the copy (metadata, the pod spec, a
// container, a list replaced by WritableResources) leaves the original as it
// was, for every kind, the ReplicationController's template pointer
// included.
func TestCopyOfTheNilScopeSharesOnlyTheResourceLists(t *testing.T) {
	pod := `{metadata: {labels: {a: b}}, spec: {initContainers: [{name: i, image: x:1, resources: {requests: {cpu: 10m}}}], containers: [{name: c, image: x:1, env: [{name: E, value: v}], resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}}, {name: d, image: x:1}], volumes: [{name: v, emptyDir: {}}]}}`
	docs := map[string]string{
		"Deployment":            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, labels: {a: b}}\nspec: {template: " + pod + "}",
		"StatefulSet":           "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"DaemonSet":             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"ReplicaSet":            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"Job":                   "apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"CronJob":               "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec: {schedule: '* * * * *', jobTemplate: {spec: {template: " + pod + "}}}",
		"ReplicationController": "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"Pod":                   "apiVersion: v1\nkind: Pod\nmetadata: {name: w, labels: {a: b}}\nspec: {initContainers: [{name: i, image: x:1, resources: {requests: {cpu: 10m}}}], containers: [{name: c, image: x:1, env: [{name: E, value: v}], resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}}, {name: d, image: x:1}], ephemeralContainers: [{name: e, image: x:1}], volumes: [{name: v, emptyDir: {}}]}",
	}
	for kind, doc := range docs {
		t.Run(kind, func(t *testing.T) {
			w := workloadtest.FromYAML(t, doc)
			before, _ := w.JSON()
			cp := copyInScope(w, nil)
			if got, _ := cp.JSON(); string(got) != string(before) {
				t.Fatalf("the copy differs:\n%s\n%s", got, before)
			}
			if reflect.ValueOf(cp.PodSpec.Containers[0].Resources.Requests).Pointer() != reflect.ValueOf(w.PodSpec.Containers[0].Resources.Requests).Pointer() {
				t.Error("the copy does not share the resource lists: it copies what it need not")
			}
			cp.Meta.Name = "changed"
			cp.PodMeta.Labels["a"] = "changed"
			cp.PodSpec.Containers[0].Image = "changed"
			cp.PodSpec.Containers[0].Env[0].Value = "changed"
			cp.PodSpec.Containers = append(cp.PodSpec.Containers, corev1.Container{Name: "added"})
			cp.PodSpec.InitContainers[0].Name = "changed"
			cp.PodSpec.Volumes[0].Name = "changed"
			for i := range cp.PodSpec.EphemeralContainers {
				cp.PodSpec.EphemeralContainers[i].Image = "changed"
			}
			r := &cp.PodSpec.Containers[0].Resources
			workload.WritableResources(&r.Requests)
			r.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi")
			r.Requests[corev1.ResourceCPU] = resource.MustParse("2")
			workload.WritableResources(&cp.PodSpec.Containers[1].Resources.Limits) // nil before
			cp.PodSpec.Containers[1].Resources.Limits[corev1.ResourceCPU] = resource.MustParse("1")
			if after, _ := w.JSON(); string(after) != string(before) {
				t.Errorf("a change to the copy reached the original:\n%s\nwas\n%s", after, before)
			}
		})
	}
}
