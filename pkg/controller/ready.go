package controller

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// reportNotReady tells the workload's owners, with a warning event on it,
// when a companion says it is not working: a Ready condition that is False,
// as the External Secrets Operator sets on an ExternalSecret whose entry the
// store does not hold. The recorder folds repeats into one event with a count.
func reportNotReady(rec record.EventRecorder, owner client.Object, applied *unstructured.Unstructured) {
	for _, m := range notReady(applied) {
		rec.Eventf(owner, corev1.EventTypeWarning, "CompanionNotReady", "%s %s is not ready (%v): %v%s",
			applied.GetKind(), applied.GetName(), m["reason"], m["message"], hint(applied))
	}
}

// notReady are applied's Ready conditions that are False.
func notReady(applied *unstructured.Unstructured) []map[string]any {
	if applied == nil {
		return nil
	}
	var out []map[string]any
	conds, _, _ := unstructured.NestedSlice(applied.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Ready" && m["status"] == "False" {
			out = append(out, m)
		}
	}
	return out
}

// hint says what to do about a companion kind that is not ready.
func hint(u *unstructured.Unstructured) string {
	if u.GetKind() != "ExternalSecret" {
		return ""
	}
	key := ""
	if from, _, _ := unstructured.NestedSlice(u.Object, "spec", "dataFrom"); len(from) > 0 {
		if m, ok := from[0].(map[string]any); ok {
			key, _, _ = unstructured.NestedString(m, "extract", "key")
		}
	}
	store, _, _ := unstructured.NestedString(u.Object, "spec", "secretStoreRef", "name")
	return fmt.Sprintf("; fix: put the Secret's keys in store %s at %s, or stop referencing the Secret", store, key)
}
