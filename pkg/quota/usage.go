package quota

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
)

// PodUsage is what one pod that has not finished counts against a
// ResourceQuota, by the names a quota gives it: pods, its requests
// (requests.<name>, and the bare cpu, memory and ephemeral-storage, which a
// quota reads as requests) and its limits (limits.<name>). Its requests and
// limits are summed as the quota controller sums them, by Kubernetes'
// component-helpers: the larger of the app containers' (sidecars
// included) and each init container's, pod-level resources where set,
// and the RuntimeClass's overhead.
func PodUsage(pod *corev1.Pod) corev1.ResourceList {
	out := corev1.ResourceList{corev1.ResourcePods: One()}
	for name, q := range resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{}) {
		out[corev1.ResourceName("requests."+string(name))] = q
		if name == corev1.ResourceCPU || name == corev1.ResourceMemory || name == corev1.ResourceEphemeralStorage {
			out[name] = q
		}
	}
	for name, q := range resourcehelper.PodLimits(pod, resourcehelper.PodResourcesOptions{}) {
		out[corev1.ResourceName("limits."+string(name))] = q
	}
	return out
}

// CountName is the name a ResourceQuota counts objects of a resource by:
// count/deployments.apps, or count/services in the core group.
func CountName(resource, group string) corev1.ResourceName {
	if group == "" {
		return corev1.ResourceName("count/" + resource)
	}
	return corev1.ResourceName("count/" + resource + "." + group)
}

// One is a quantity of one object.
func One() resource.Quantity { return *resource.NewQuantity(1, resource.DecimalSI) }
