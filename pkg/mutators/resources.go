package mutators

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Resources gives containers the policy's default requests and limits where they
// set none, so the scheduler can place them and one pod cannot starve a node.
// A resource the pod budgets at pod level (spec.resources) does both already:
// its containers share the pod's, and a default of their own could take the
// pod past its budget, which the API server refuses (workload.PodBudgets).
type Resources struct{}

// Name implements engine.Mutator.
func (Resources) Name() string { return "resources" }

// Scope implements engine.Scoped: the containers' resources.
func (Resources) Scope() []string { return workload.ContainerPaths("resources") }

// Mutate implements engine.Mutator.
func (Resources) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	defReq, defLim := env.Policy.Spec.Resources.DefaultRequests, env.Policy.Spec.Resources.DefaultLimits
	changed := false
	shared := func(name corev1.ResourceName) bool { return workload.PodBudgets(w.PodSpec, name) }
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if at.Ephemeral() {
			return // the API server forbids resources on ephemeral containers
		}
		// The lists may be the original object's (the engine's copy shares them):
		// each is replaced by its own before the first default goes in.
		r := &c.Resources
		ownReq, ownLim := false, false
		for name, def := range defReq {
			if _, ok := r.Requests[name]; ok || shared(name) {
				continue
			}
			// Kubernetes defaults a missing request to the limit; do the same
			// rather than risk a request above the limit.
			if lim, ok := r.Limits[name]; ok && lim.Cmp(def) < 0 {
				def = lim
			}
			if !ownReq {
				workload.WritableResources(&r.Requests)
				ownReq = true
			}
			r.Requests[name] = def.DeepCopy()
			changed = true
		}
		for name, def := range defLim {
			if _, ok := r.Limits[name]; ok || shared(name) {
				continue
			}
			// A team that asks for more than the default limit gets a limit equal
			// to its request, never one below it.
			if req, ok := r.Requests[name]; ok && req.Cmp(def) > 0 {
				def = req
			}
			if !ownLim {
				workload.WritableResources(&r.Limits)
				ownLim = true
			}
			r.Limits[name] = def.DeepCopy()
			changed = true
		}
	})
	return changed, nil
}
