package controller

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// A namespace's ResourceQuota changes whenever its usage does: the API
// server writes the status at each Pod's and each counted object's
// creation, and the controller-manager when it counts again. Each change
// gave the quota a new resourceVersion, which Applied takes for someone
// else's edit, so the Namespace was reconciled and its quota applied once
// more for every Pod created in it. And the first such apply after pave
// created the quota moved its fields to pave's apply manager (write):
// three writes within a second of the namespace's creation, each of which
// the API server's quota admission can lose to a team's create, which then
// fails with a Conflict on the quota (kubernetes/kubernetes#67761; kubectl
// apply does not retry it). Pave now reads a quota's spec to tell its own
// state from its usage.

// inPlace reports whether cached, the cache's copy of a ResourceQuota, holds
// what want asks of it: the same spec, want's labels, annotations and owner
// references among its own, and not going. Whatever its status and
// resourceVersion, applying want would then change nothing. False for any
// other kind, whose cache holds no spec to compare (CacheObject).
func inPlace(want *unstructured.Unstructured, cached client.Object) bool {
	have, ok := cached.(*corev1.ResourceQuota)
	if !ok || have.DeletionTimestamp != nil {
		return false
	}
	var w corev1.ResourceQuota
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(want.Object, &w); err != nil {
		return false
	}
	return apiequality.Semantic.DeepEqual(w.Spec, have.Spec) &&
		within(w.Labels, have.Labels) && within(w.Annotations, have.Annotations) &&
		!slices.ContainsFunc(w.OwnerReferences, func(ref metav1.OwnerReference) bool {
			return !slices.ContainsFunc(have.OwnerReferences, func(h metav1.OwnerReference) bool { return apiequality.Semantic.DeepEqual(ref, h) })
		})
}

// within reports whether every key of sub is in m with the same value.
func within(sub, m map[string]string) bool {
	for k, v := range sub {
		if w, ok := m[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// notQuotaUsage lets through every event but a ResourceQuota's update that
// changes its status alone: nothing pave writes of it.
func notQuotaUsage() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		before, ok := e.ObjectOld.(*corev1.ResourceQuota)
		after, ok2 := e.ObjectNew.(*corev1.ResourceQuota)
		if !ok || !ok2 {
			return true
		}
		b, a := before.ObjectMeta, after.ObjectMeta // shallow copies: only read
		b.ResourceVersion, a.ResourceVersion = "", ""
		b.ManagedFields, a.ManagedFields = nil, nil
		return !apiequality.Semantic.DeepEqual(b, a) || !apiequality.Semantic.DeepEqual(before.Spec, after.Spec)
	}}
}
