package validators

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// PodBudget says at the workload what the API server refuses at every one of
// its pods: a pod that budgets cpu or memory at pod level (spec.resources)
// too small for its containers' requests as each pod is created. A
// container's limit without a request becomes its request, and in a tiered
// namespace the LimitRange gives the containers that set none its defaults
// (pave leaves them to the pod's budget, workload.PodBudgets, but the
// LimitRange admission does not); the pod's requests must hold their sum,
// its limits each container's. Neither is judged in the template, so the
// workload is admitted and its ReplicaSet then fails to create each pod,
// with an event the team rarely sees, as rule container-max says of a
// container above the tier's maximum.
type PodBudget struct{}

var rulePodBudget = policy.Rule{ID: "pod-budget", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "a pod that budgets cpu or memory at pod level holds its containers' requests as each pod is created (a limit without a request becomes the request; the namespace's LimitRange gives its defaults to the containers that set none), or the API server refuses every pod of it"}

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
	_, tiered := quota.Of(env) // a tier is a LimitRange, whose defaults are the policy's
	defaults := env.Policy.Spec.Resources
	asWritten := requests(w.PodSpec, nil)
	asDefaulted := requests(w.PodSpec, &v1alpha1.ResourcePolicy{})
	asRanged := asDefaulted
	if tiered {
		asRanged = requests(w.PodSpec, &defaults)
	}
	var out []policy.Violation
	for _, name := range slices.Sorted(maps.Keys(budget.Requests)) {
		if !workload.PodBudgets(w.PodSpec, name) {
			continue // hugepages: a container's equals its limit, which the API server judges in the template
		}
		most := budget.Requests[name]
		field := fmt.Sprintf("%s.resources.requests.%s", w.PodSpecPath, name)
		fix := func(need resource.Quantity) string {
			return fmt.Sprintf("raise resources.requests.%s to %s or more, or give the containers requests of their own that fit in it", name, need.String())
		}
		written, defaulted, ranged := asWritten[name], asDefaulted[name], asRanged[name]
		switch {
		case written.Cmp(most) > 0: // refused as written, which the API server says itself
		case defaulted.Cmp(most) > 0:
			out = append(out, rulePodBudget.Violation(field,
				fmt.Sprintf("the API server makes the request of a container that sets a %s limit and no request its limit, and the pod's containers then ask for %s, above the pod's request of %s: it refuses every pod of it",
					name, defaulted.String(), most.String()), fix(defaulted)))
		case ranged.Cmp(most) > 0:
			def := defaults.DefaultRequests[name]
			out = append(out, rulePodBudget.Violation(field,
				fmt.Sprintf("the namespace's LimitRange %s gives each container that sets no %s request %s of it, and the pod's containers then ask for %s, above the pod's request of %s: the API server refuses every pod of it",
					quota.ObjectName, name, def.String(), ranged.String(), most.String()), fix(ranged)))
		}
	}
	if !tiered {
		return out
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
			fix := fmt.Sprintf("give container %q a %s limit of its own, %s or less, or raise resources.limits.%s to %s or more", c.Name, name, most.String(), name, def.String())
			if most.IsZero() { // no limit to the kubelet (zero-limit): a container's own 0 would be none too
				fix = fmt.Sprintf("raise resources.limits.%s to %s or more, or take it out: the kubelet reads a limit of 0 as none", name, def.String())
			}
			out = append(out, rulePodBudget.Violation(fmt.Sprintf("%s.containers[%d].resources.limits.%s", w.PodSpecPath, i, name),
				fmt.Sprintf("the namespace's LimitRange %s gives container %q, which sets no %s limit, one of %s, above the pod's limit of %s: the API server refuses every pod of it",
					quota.ObjectName, c.Name, name, def.String(), most.String()), fix))
		}
	}
	return out
}

// requests is the sum of a pod's container requests as the API server
// counts them against its budget (sidecars and init containers as in
// component-helpers): as written where defaults is nil, else as each pod is
// created: a limit without a request makes the request (the API server's
// defaulting of a Pod), then a LimitRange with those defaults gives each
// container the requests it still lacks.
func requests(spec *corev1.PodSpec, defaults *v1alpha1.ResourcePolicy) corev1.ResourceList {
	pod := &corev1.Pod{Spec: *spec}
	if defaults != nil {
		pod.Spec.InitContainers = created(spec.InitContainers, defaults.DefaultRequests)
		pod.Spec.Containers = created(spec.Containers, defaults.DefaultRequests)
	}
	return resourcehelper.AggregateContainerRequests(pod, resourcehelper.PodResourcesOptions{})
}

// created is cs with the requests each container has once its pod is
// created (see requests). Only requests are filled in: what the budget's
// sum is judged on.
func created(cs []corev1.Container, defaultRequests corev1.ResourceList) []corev1.Container {
	out := make([]corev1.Container, len(cs))
	for i := range cs {
		out[i] = corev1.Container{Name: cs[i].Name, RestartPolicy: cs[i].RestartPolicy}
		reqs := workload.PodRequests(cs[i].Resources)
		if len(defaultRequests) > 0 {
			reqs = maps.Clone(reqs) // it may be the container's own
			if reqs == nil {
				reqs = corev1.ResourceList{}
			}
			for name, q := range defaultRequests {
				if _, ok := reqs[name]; !ok {
					reqs[name] = q
				}
			}
		}
		out[i].Resources.Requests = reqs
	}
	return out
}
