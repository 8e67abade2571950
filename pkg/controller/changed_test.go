package controller

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// A workload is reconciled again when what its companions are made of
// changes, and not for its status, which the controller-manager rewrites as
// its Pods come and go.
func TestWorkloadsAreReconciledForWhatTheirCompanionsReadOnly(t *testing.T) {
	stored := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "shop", Generation: 3,
		Labels: map[string]string{"app": "api"}, Annotations: map[string]string{"pave.dev/timeout": "2s"}}}
	changed := func(f func(d *appsv1.Deployment)) *appsv1.Deployment {
		d := stored.DeepCopy()
		d.ResourceVersion = "2"
		f(d)
		return d
	}
	p := companionInputsChanged()
	for _, tc := range []struct {
		name string
		new  *appsv1.Deployment
		want bool
	}{
		{"status only", changed(func(d *appsv1.Deployment) { d.Status.ReadyReplicas, d.Status.ObservedGeneration = 2, 3 }), false},
		{"the same object again (a resync)", stored.DeepCopy(), false},
		{"spec (a new generation)", changed(func(d *appsv1.Deployment) { d.Generation = 4 }), true},
		{"a label", changed(func(d *appsv1.Deployment) { d.Labels["pave.dev/zone"] = "public" }), true},
		{"an annotation", changed(func(d *appsv1.Deployment) { d.Annotations["pave.dev/timeout"] = "5s" }), true},
	} {
		if got := p.Update(event.UpdateEvent{ObjectOld: stored, ObjectNew: tc.new}); got != tc.want {
			t.Errorf("update of %s: reconciled %v, want %v", tc.name, got, tc.want)
		}
	}
	var obj client.Object = stored
	if !p.Create(event.CreateEvent{Object: obj}) || !p.Delete(event.DeleteEvent{Object: obj}) {
		t.Error("a workload's creation or deletion was not reconciled")
	}
}
