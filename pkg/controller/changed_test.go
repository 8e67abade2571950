package controller

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
		{"the controller-manager's revision", changed(func(d *appsv1.Deployment) { d.Annotations["deployment.kubernetes.io/revision"] = "2" }), false},
		{"the revision and an annotation of the team's", changed(func(d *appsv1.Deployment) {
			d.Annotations["deployment.kubernetes.io/revision"], d.Annotations["pave.dev/retries"] = "2", "3"
		}), true},
		{"an annotation removed", changed(func(d *appsv1.Deployment) { d.Annotations = nil }), true},
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

// A companion's event reconciles its owner unless it is the echo of pave's
// own apply: the companion at the resourceVersion that apply left.
func TestOwnWritesDoNotReconcileTheirOwner(t *testing.T) {
	applied := NewApplied()
	np := func(rv string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("networking.k8s.io/v1")
		u.SetKind("NetworkPolicy")
		u.SetNamespace("shop")
		u.SetName("pave-zone-api")
		u.SetResourceVersion(rv)
		return u
	}
	applied.record(np("5"), stateSum{})
	p := notOwnWrite(applied)
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"created by pave's apply", p.Create(event.CreateEvent{Object: np("5")}), false},
		{"changed by pave's apply", p.Update(event.UpdateEvent{ObjectOld: np("4"), ObjectNew: np("5")}), false},
		{"changed by someone else after it", p.Update(event.UpdateEvent{ObjectOld: np("5"), ObjectNew: np("6")}), true},
		{"created where pave recorded nothing", p.Create(event.CreateEvent{Object: np("7")}), true},
		{"deleted", p.Delete(event.DeleteEvent{Object: np("5")}), true},
		{"with no memo", notOwnWrite(nil).Create(event.CreateEvent{Object: np("5")}), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: reconciled %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	other := np("5")
	other.SetKind("ConfigMap")
	other.SetAPIVersion("v1")
	if !p.Create(event.CreateEvent{Object: other}) {
		t.Error("another kind's object of the same name and resourceVersion was taken for pave's write")
	}
}

// A workload in a namespace pave never governs is reconciled once, when the
// controller first lists it (to prune what pave made there before the
// namespace was excluded), and never for what happens to it afterwards; one
// in a governed namespace is reconciled for all of it.
func TestUngovernedWorkloadsAreReconciledOnlyWhenFirstListed(t *testing.T) {
	p := governedOrFirstListed([]string{"kube-system", "ci"})
	in := func(ns string) client.Object {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: ns}}
	}
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"first listed, ungoverned", p.Create(event.CreateEvent{Object: in("ci"), IsInInitialList: true}), true},
		{"created, ungoverned", p.Create(event.CreateEvent{Object: in("ci")}), false},
		{"updated, ungoverned", p.Update(event.UpdateEvent{ObjectOld: in("kube-system"), ObjectNew: in("kube-system")}), false},
		{"deleted, ungoverned", p.Delete(event.DeleteEvent{Object: in("ci")}), false},
		{"generic, ungoverned", p.Generic(event.GenericEvent{Object: in("ci")}), false},
		{"first listed, governed", p.Create(event.CreateEvent{Object: in("shop"), IsInInitialList: true}), true},
		{"created, governed", p.Create(event.CreateEvent{Object: in("shop")}), true},
		{"updated, governed", p.Update(event.UpdateEvent{ObjectOld: in("shop"), ObjectNew: in("shop")}), true},
		{"deleted, governed", p.Delete(event.DeleteEvent{Object: in("shop")}), true},
		{"generic, governed", p.Generic(event.GenericEvent{Object: in("shop")}), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: reconciled %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
