package mutators

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/workload"
)

// shareBudget fits the proxy into what its pod budgets at pod level
// (workload.PodBudgets), which the API server otherwise refuses: where the
// pod sets a request, the proxy's request of it is 0, so that it shares the
// pod's as the team's containers do (an explicit 0, not none: the API
// server would make a request of the limit, and a LimitRange would give it
// its default); where the pod sets a limit, the proxy's limit and request
// are no higher. The proxy keeps its limits otherwise, which a tier's
// LimitRange with a maximum requires of every container. It reports
// whether it changed the proxy. The proxy's lists may be the policy's own
// (inject shares them), so each is replaced, never written into.
func shareBudget(proxy *corev1.Container, spec *corev1.PodSpec) bool {
	budget := spec.Resources
	if budget == nil {
		return false
	}
	changed := false
	set := func(list *corev1.ResourceList, name corev1.ResourceName, q resource.Quantity) {
		own := maps.Clone(*list)
		if own == nil {
			own = corev1.ResourceList{}
		}
		own[name] = q
		*list, changed = own, true
	}
	for name := range budget.Requests {
		if !workload.PodBudgets(spec, name) {
			continue // hugepages, which the proxy has none of
		}
		if q, ok := proxy.Resources.Requests[name]; !ok || !q.IsZero() {
			set(&proxy.Resources.Requests, name, *resource.NewQuantity(0, resource.DecimalSI))
		}
	}
	for name, most := range budget.Limits {
		if q, ok := proxy.Resources.Limits[name]; ok && q.Cmp(most) > 0 {
			set(&proxy.Resources.Limits, name, most.DeepCopy())
		}
		// A request above the limit is refused too: it comes down with it.
		if q, ok := proxy.Resources.Requests[name]; ok && q.Cmp(most) > 0 {
			set(&proxy.Resources.Requests, name, most.DeepCopy())
		}
	}
	return changed
}
