package quota

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
)

// PodUsage is what one pod of spec that has not finished counts against a
// ResourceQuota, by the names a quota gives it: pods, its requests
// (requests.<name>, and the bare cpu, memory and ephemeral-storage, which a
// quota reads as requests) and its limits (limits.<name>). Its requests and
// limits are summed as the quota controller sums them, by Kubernetes'
// component-helpers: the larger of the app containers' (sidecars
// included) and each init container's, pod-level resources where set,
// and the RuntimeClass's overhead. A spec with none of those but sidecars
// is summed here, to the same result: it is nearly every spec, judged on
// the admission path, where component-helpers cost five times as much.
func PodUsage(spec *corev1.PodSpec) corev1.ResourceList {
	var requests, limits corev1.ResourceList
	if plain(spec) {
		requests, limits = corev1.ResourceList{}, corev1.ResourceList{}
		add := func(c *corev1.Container) {
			addTo(requests, c.Resources.Requests)
			addTo(limits, c.Resources.Limits)
		}
		for i := range spec.Containers {
			add(&spec.Containers[i])
		}
		for i := range spec.InitContainers {
			add(&spec.InitContainers[i]) // sidecars: plain has no other
		}
	} else {
		pod := &corev1.Pod{Spec: *spec}
		requests = resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})
		limits = resourcehelper.PodLimits(pod, resourcehelper.PodResourcesOptions{})
	}
	out := make(corev1.ResourceList, 1+2*len(requests)+len(limits))
	out[corev1.ResourcePods] = One()
	for name, q := range requests {
		out[corev1.ResourceName("requests."+string(name))] = q
		if name == corev1.ResourceCPU || name == corev1.ResourceMemory || name == corev1.ResourceEphemeralStorage {
			out[name] = q
		}
	}
	for name, q := range limits {
		out[corev1.ResourceName("limits."+string(name))] = q
	}
	return out
}

// plain reports whether spec's pods are the sum of their containers and
// sidecars: no init container that runs to completion first, no pod-level
// resources, no overhead.
func plain(spec *corev1.PodSpec) bool {
	if spec.Resources != nil || len(spec.Overhead) > 0 {
		return false
	}
	for i := range spec.InitContainers {
		if p := spec.InitContainers[i].RestartPolicy; p == nil || *p != corev1.ContainerRestartPolicyAlways {
			return false
		}
	}
	return true
}

// addTo adds rl into sum.
func addTo(sum, rl corev1.ResourceList) {
	for name, q := range rl {
		s, ok := sum[name]
		if !ok {
			sum[name] = q.DeepCopy()
			continue
		}
		s.Add(q)
		sum[name] = s
	}
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
