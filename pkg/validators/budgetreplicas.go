package validators

import (
	"context"
	"fmt"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// BudgetReplicas judges a workload against the PodDisruptionBudgets that
// select its pods, what disruption-budget cannot judge at the budget, which
// names no workload: a budget that keeps available as many pods as the
// workload runs (minAvailable 2 of 2 replicas, or 1 of 1) lets none be
// evicted, and so holds every drain of their nodes, and the cluster's
// upgrades with them; so does a second budget over the same pods, which
// the eviction API refuses outright. A warning, not a denial: a workload an
// autoscaler scales is created with one replica and scaled after, and the
// warning at kubectl apply says enough. Judged against the budgets there are
// when the workload is written (a budget written after it is judged at the
// workload's next change).
type BudgetReplicas struct{}

var ruleBudgetReplicas = policy.Rule{ID: "disruption-budget-replicas", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a workload runs more replicas than the PodDisruptionBudget selecting its pods keeps available, and no two budgets select them: otherwise no pod of it can be evicted and every drain of its nodes waits"}

// Name implements engine.Validator.
func (BudgetReplicas) Name() string { return "disruption-budget-replicas" }

// Rules implements engine.Validator.
func (BudgetReplicas) Rules() []policy.Rule { return []policy.Rule{ruleBudgetReplicas} }

// Validate implements engine.Validator.
func (BudgetReplicas) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	if len(env.Budgets) == 0 || metav1.GetControllerOf(w.Meta) != nil {
		return nil // a Deployment's ReplicaSets are judged as the Deployment
	}
	pods, _, field := podCount(w)
	if pods == 0 {
		return nil // a Pod, a Job's pods, a DaemonSet's (a drain leaves them where they are)
	}
	var selecting []*policyv1.PodDisruptionBudget
	for i := range env.Budgets {
		pdb := &env.Budgets[i]
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err == nil && pdb.DeletionTimestamp == nil && sel.Matches(labels.Set(w.PodMeta.Labels)) {
			selecting = append(selecting, pdb)
		}
	}
	switch {
	case len(selecting) > 1:
		return []policy.Violation{ruleBudgetReplicas.Violation(w.PodMetaPath+".labels",
			fmt.Sprintf("%s %q's pods are selected by PodDisruptionBudgets %q and %q: the eviction API refuses to evict a pod two budgets select, so every drain of their nodes waits on them",
				w.Kind, w.Meta.Name, selecting[0].Name, selecting[1].Name),
			fmt.Sprintf("keep one budget for these pods: delete one, or narrow its selector (kubectl delete poddisruptionbudget %s)", selecting[1].Name))}
	case len(selecting) == 1:
		pdb := selecting[0]
		if allowed, kept := disruptionsAllowed(pdb.Spec, pods); allowed <= 0 {
			return []policy.Violation{ruleBudgetReplicas.Violation(field,
				fmt.Sprintf("%s %q runs %d replica(s) and PodDisruptionBudget %q %s: none of its pods can be evicted, so every drain of their nodes waits on it, and the cluster's upgrades with them",
					w.Kind, w.Meta.Name, pods, pdb.Name, kept),
				fmt.Sprintf("run more replicas than the budget keeps available (%s: %d), or give the budget maxUnavailable: 1", field, pods+1))}
		}
	}
	return nil
}

// disruptionsAllowed is how many of pods the budget lets go at once when all
// are healthy, as the disruption controller counts (a percentage of
// minAvailable or maxUnavailable rounds up), and what the budget says.
func disruptionsAllowed(spec policyv1.PodDisruptionBudgetSpec, pods int) (int, string) {
	if spec.MinAvailable != nil {
		keep, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, pods, true)
		if err != nil {
			return 1, "" // the API server refuses it as invalid
		}
		return pods - keep, fmt.Sprintf("keeps %s available", spec.MinAvailable.String())
	}
	if spec.MaxUnavailable != nil {
		n, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, pods, true)
		if err != nil {
			return 1, ""
		}
		return n, fmt.Sprintf("lets %s be unavailable", spec.MaxUnavailable.String())
	}
	return 1, "" // neither: the API server refuses it
}
