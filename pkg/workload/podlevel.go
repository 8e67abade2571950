package workload

import corev1 "k8s.io/api/core/v1"

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
