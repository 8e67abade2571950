package validators

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// PodBudget says at the workload what the API server refuses at every one of
// its pods in a tiered namespace: a pod that budgets cpu or memory at pod
// level (spec.resources) too small for what the namespace's LimitRange gives
// its containers that set none. pave leaves such containers to the pod's
// budget (workload.PodBudgets), but the LimitRange admission defaults them
// at each pod's creation all the same, and the pod's requests must hold its
// containers' sum, its limits each container's. Without this the workload is
// admitted and its ReplicaSet then fails to create each pod, with an event
// the team rarely sees, as rule container-max says of a container above the
// tier's maximum.
type PodBudget struct{}

var rulePodBudget = policy.Rule{ID: "pod-budget", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "a pod that budgets cpu or memory at pod level holds what the namespace's LimitRange gives its containers that set none, or the API server refuses every pod of it"}

// Name implements engine.Validator.
func (PodBudget) Name() string { return "pod-budget" }

// Rules implements engine.Validator.
func (PodBudget) Rules() []policy.Rule { return []policy.Rule{rulePodBudget} }

// Validate implements engine.Validator.
func (PodBudget) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	budget := w.PodSpec.Resources
	if budget == nil || w.Kind == "Pod" { // a Pod is refused by the API server, with its own message
		return nil
	}
	if _, ok := quota.Of(env); !ok {
		return nil // no tier, no LimitRange
	}
	defaults := env.Policy.Spec.Resources // what pave writes into the tier's LimitRange
	pod := &corev1.Pod{Spec: *w.PodSpec}
	pod.Spec.InitContainers = limitRanged(w.PodSpec.InitContainers, defaults)
	pod.Spec.Containers = limitRanged(w.PodSpec.Containers, defaults)
	asTeamWrote := resourcehelper.AggregateContainerRequests(&corev1.Pod{Spec: *w.PodSpec}, resourcehelper.PodResourcesOptions{})
	asRanged := resourcehelper.AggregateContainerRequests(pod, resourcehelper.PodResourcesOptions{})
	var out []policy.Violation
	for _, name := range slices.Sorted(maps.Keys(budget.Requests)) {
		most, need := budget.Requests[name], asRanged[name]
		had := asTeamWrote[name]
		if need.Cmp(most) <= 0 || had.Cmp(most) > 0 { // fits, or refused as written, which the API server says itself
			continue
		}
		def := defaults.DefaultRequests[name]
		out = append(out, rulePodBudget.Violation(fmt.Sprintf("%s.resources.requests.%s", w.PodSpecPath, name),
			fmt.Sprintf("the namespace's LimitRange %s gives each container that sets no %s request %s of it, and the pod's containers then ask for %s, above the pod's request of %s: the API server refuses every pod of it",
				quota.ObjectName, name, def.String(), need.String(), most.String()),
			fmt.Sprintf("raise resources.requests.%s to %s or more, or give the containers requests of their own that fit in it", name, need.String())))
	}
	for _, name := range slices.Sorted(maps.Keys(budget.Limits)) {
		most, def := budget.Limits[name], defaults.DefaultLimits[name]
		if def.IsZero() || def.Cmp(most) <= 0 {
			continue
		}
		for i := range w.PodSpec.Containers {
			c := &w.PodSpec.Containers[i]
			if _, own := c.Resources.Limits[name]; own {
				continue
			}
			out = append(out, rulePodBudget.Violation(fmt.Sprintf("%s.containers[%d].resources.limits.%s", w.PodSpecPath, i, name),
				fmt.Sprintf("the namespace's LimitRange %s gives container %q, which sets no %s limit, one of %s, above the pod's limit of %s: the API server refuses every pod of it",
					quota.ObjectName, c.Name, name, def.String(), most.String()),
				fmt.Sprintf("give container %q a %s limit of its own, %s or less, or raise resources.limits.%s to %s or more", c.Name, name, most.String(), name, def.String())))
		}
	}
	return out
}

// limitRanged is cs as a pod's containers are once created in a namespace
// whose LimitRange defaults what the policy does: a limit without a request
// makes the request (the API server's defaulting), then the LimitRange
// gives each container what it still lacks. Only requests are filled in:
// what the budget's sum is judged on.
func limitRanged(cs []corev1.Container, defaults v1alpha1.ResourcePolicy) []corev1.Container {
	out := make([]corev1.Container, len(cs))
	for i := range cs {
		out[i] = corev1.Container{Name: cs[i].Name, RestartPolicy: cs[i].RestartPolicy}
		reqs := maps.Clone(cs[i].Resources.Requests)
		if reqs == nil {
			reqs = corev1.ResourceList{}
		}
		for name, q := range cs[i].Resources.Limits {
			if _, ok := reqs[name]; !ok {
				reqs[name] = q
			}
		}
		for name, q := range defaults.DefaultRequests {
			if _, ok := reqs[name]; !ok {
				reqs[name] = q
			}
		}
		out[i].Resources.Requests = reqs
	}
	return out
}
