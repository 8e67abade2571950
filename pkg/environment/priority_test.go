package environment_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
)

// PriorityOf picks the class as the API server's Priority admission does: the
// named one, or for none the global default of the lowest value, or
// priority 0 where no class is the default; a class of another name is not
// found. A preemption policy left out reads as the API server defaults it.
func TestPriorityOfPicksAsTheAPIServer(t *testing.T) {
	never := corev1.PreemptNever
	pc := func(name string, value int32, global bool, preemption *corev1.PreemptionPolicy) schedulingv1.PriorityClass {
		return schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: value, GlobalDefault: global, PreemptionPolicy: preemption}
	}
	classes := []schedulingv1.PriorityClass{pc("batch", 100, false, &never), pc("standard", 50, true, nil), pc("raced", 40, true, nil)}
	for _, tc := range []struct {
		what    string
		classes []schedulingv1.PriorityClass
		name    string
		want    policy.PriorityClass
		found   bool
	}{
		{"a named class", classes, "batch", policy.PriorityClass{Name: "batch", Value: 100, PreemptionPolicy: never}, true},
		{"none named: the lowest default", classes, "", policy.PriorityClass{Name: "raced", Value: 40, PreemptionPolicy: corev1.PreemptLowerPriority}, true},
		{"none named, no default", classes[:1], "", policy.PriorityClass{PreemptionPolicy: corev1.PreemptLowerPriority}, true},
		{"a class of another name", classes, "elsewhere", policy.PriorityClass{}, false},
	} {
		got, found := environment.PriorityOf(tc.classes, tc.name)
		if found != tc.found || (found && got != tc.want) {
			t.Errorf("%s: %+v %v, want %+v %v", tc.what, got, found, tc.want, tc.found)
		}
	}
}

// Only a pod spec that names a class or sets its own priority or
// preemption policy asks for its class: every other costs no lookup.
func TestAskPriorityOnlyWhereNeeded(t *testing.T) {
	ten, never := int32(10), corev1.PreemptNever
	for _, tc := range []struct {
		spec corev1.PodSpec
		want bool
	}{
		{corev1.PodSpec{}, false},
		{corev1.PodSpec{PriorityClassName: "batch"}, true},
		{corev1.PodSpec{Priority: &ten}, true},
		{corev1.PodSpec{PreemptionPolicy: &never}, true},
	} {
		var r environment.Request
		r.AskPriority(&tc.spec)
		if r.Priority != tc.want || r.PriorityClass != tc.spec.PriorityClassName {
			t.Errorf("%+v: asked %v for %q", tc.spec, r.Priority, r.PriorityClass)
		}
	}
}
