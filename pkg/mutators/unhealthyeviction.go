package mutators

import (
	"context"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// UnhealthyEviction lets a node drain evict the pods of a budget that are
// not ready. A PodDisruptionBudget that leaves unhealthyPodEvictionPolicy
// open gets IfHealthyBudget, under which a running pod that is not ready is
// evicted only while the budget has its healthy pods: a workload whose pods
// all crash-loop, or never pass their readiness probe, holds every drain of
// their nodes, and the cluster's upgrades, until someone deletes the budget.
// Kubernetes recommends AlwaysAllow for that (KEP-3017, GA in 1.31): a pod
// that is not ready serves nothing its budget protects. pave gives it to a
// budget that leaves the field open, at its creation and at each update,
// since a write that drops the field again (a PUT of the manifest, which
// kubectl replace and many operators send) would bring IfHealthyBudget
// back. A budget that names IfHealthyBudget is left to rule
// disruption-budget, which refuses it: pods kept unready would hold the
// drain as long as their team likes.
type UnhealthyEviction struct{}

var budgetKind = policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget")

// Name implements engine.ObjectMutator.
func (UnhealthyEviction) Name() string { return "unhealthy-eviction" }

// Kinds implements engine.ObjectMutator.
func (UnhealthyEviction) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{budgetKind}
}

// CompletesUpdates implements engine.UpdateCompleter.
func (UnhealthyEviction) CompletesUpdates() {}

// MutateObject implements engine.ObjectMutator.
func (UnhealthyEviction) MutateObject(_ context.Context, obj object, _ policy.Env) (bool, error) {
	pdb, ok := obj.(*policyv1.PodDisruptionBudget)
	if !ok || pdb.Spec.UnhealthyPodEvictionPolicy != nil {
		return false, nil
	}
	always := policyv1.AlwaysAllow
	pdb.Spec.UnhealthyPodEvictionPolicy = &always
	return true, nil
}
