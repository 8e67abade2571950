package workload

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
)

// PodBudgets reports whether the pod sets resource name at pod level
// (spec.resources, Kubernetes' pod-level resources: cpu and memory), a
// budget its containers share. The API server refuses a pod whose
// containers' requests add up to more than the pod's request, or one of
// whose containers has a limit above the pod's; a container that sets none
// of it is bounded by the pod's budget already. So pave gives no container
// a default of such a resource, and fits the proxy into the budget.
// Hugepages, which a pod may budget too, are not shared: a container's must
// equal its limit, and pave gives none.
func PodBudgets(spec *corev1.PodSpec, name corev1.ResourceName) bool {
	r := spec.Resources
	if r == nil || name != corev1.ResourceCPU && name != corev1.ResourceMemory {
		return false
	}
	_, req := r.Requests[name]
	_, lim := r.Limits[name]
	return req || lim
}

// PodRequests is a container's requests as the API server defaults them in
// a Pod (not in a template): a limit without a request makes the request
// (SetDefaults_Pod). It returns r.Requests itself where it lacks none,
// else a list of its own.
func PodRequests(r corev1.ResourceRequirements) corev1.ResourceList {
	out, own := r.Requests, false
	for name, limit := range r.Limits {
		if _, set := out[name]; set {
			continue
		}
		if !own {
			out, own = make(corev1.ResourceList, len(r.Requests)+len(r.Limits)), true
			maps.Copy(out, r.Requests)
		}
		out[name] = limit.DeepCopy()
	}
	return out
}
