package validators

import (
	"context"
	"fmt"

	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// DisruptionBudget denies PodDisruptionBudgets that let no pod be evicted:
// maxUnavailable 0 (or 0%) and minAvailable 100% block every node drain,
// and with it every node upgrade of the cluster, until someone deletes the
// budget. The built-in edit role writes PodDisruptionBudgets, so a team's
// budget holds the platform's maintenance. A minAvailable equal to the
// workload's replicas does the same, but that needs the workload, which the
// budget does not name; it is left to the drain's own message.
type DisruptionBudget struct{}

var ruleDisruptionBudget = policy.Rule{ID: "disruption-budget", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "a PodDisruptionBudget lets at least one pod be evicted, and its pods that are not ready: maxUnavailable 0 (or 0%), minAvailable 100% and unhealthyPodEvictionPolicy IfHealthyBudget block node drains and upgrades"}

// Name implements engine.ObjectValidator.
func (DisruptionBudget) Name() string { return "disruption-budget" }

// Kinds implements engine.ObjectValidator.
func (DisruptionBudget) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget")}
}

// Rules implements engine.ObjectValidator.
func (DisruptionBudget) Rules() []policy.Rule { return []policy.Rule{ruleDisruptionBudget} }

// ValidateObject implements engine.ObjectValidator.
func (DisruptionBudget) ValidateObject(_ context.Context, obj object, _ policy.Env) []policy.Violation {
	pdb, ok := obj.(*policyv1.PodDisruptionBudget)
	if !ok {
		return nil
	}
	const fix = "let one pod go at a time: maxUnavailable: 1 (or a percentage above 0%); a workload that cannot lose a pod needs more replicas, not a budget that stops node drains"
	// A count, or a percentage of 100 pods (the percentage itself); false
	// for no value or one the API server refuses before admission.
	scaled := func(v *intstr.IntOrString) (int, bool) {
		n, err := intstr.GetScaledValueFromIntOrPercent(v, 100, true)
		return n, err == nil
	}
	if n, ok := scaled(pdb.Spec.MaxUnavailable); ok && n == 0 {
		return []policy.Violation{ruleDisruptionBudget.Violation("spec.maxUnavailable",
			fmt.Sprintf("PodDisruptionBudget %q allows no pod to be unavailable (maxUnavailable: %s): no node that runs one of its pods can be drained or upgraded", pdb.Name, pdb.Spec.MaxUnavailable.String()), fix)}
	}
	// A count of minAvailable needs the workload's replicas to judge.
	if v := pdb.Spec.MinAvailable; v != nil && v.Type == intstr.String {
		if n, ok := scaled(v); ok && n >= 100 {
			return []policy.Violation{ruleDisruptionBudget.Violation("spec.minAvailable",
				fmt.Sprintf("PodDisruptionBudget %q keeps every pod available (minAvailable: %s): no node that runs one of its pods can be drained or upgraded", pdb.Name, v.String()), fix)}
		}
	}
	// Under IfHealthyBudget a pod that is not ready is evicted only while
	// the budget has its healthy pods: pods kept unready (a readiness
	// probe that never passes) hold the drain as long as they stay so.
	// Left open, the field gets AlwaysAllow (mutators.UnhealthyEviction).
	if p := pdb.Spec.UnhealthyPodEvictionPolicy; p != nil && *p == policyv1.IfHealthyBudget {
		return []policy.Violation{ruleDisruptionBudget.Violation("spec.unhealthyPodEvictionPolicy",
			fmt.Sprintf("PodDisruptionBudget %q keeps its pods that are not ready from eviction while too few are ready (unhealthyPodEvictionPolicy: IfHealthyBudget): pods that crash-loop or never pass their readiness probe hold every drain of their nodes, and the cluster's upgrades", pdb.Name),
			"remove unhealthyPodEvictionPolicy (pave sets AlwaysAllow), or set AlwaysAllow: a pod that is not ready serves nothing the budget protects")}
	}
	return nil
}
