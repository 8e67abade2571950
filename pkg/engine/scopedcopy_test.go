package engine

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/pkg/workload"
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
