package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// The resource names Kubernetes takes in a ResourceQuota's hard limits
// without a domain (k8s.io/kubernetes pkg/apis/core/helper, which pave does
// not import), and those it counts in whole units.
var (
	quotaResources = []corev1.ResourceName{
		corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
		corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsStorage, corev1.ResourceRequestsEphemeralStorage,
		corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage,
		corev1.ResourcePods, corev1.ResourceQuotas, corev1.ResourceServices, corev1.ResourceReplicationControllers,
		corev1.ResourceSecrets, corev1.ResourcePersistentVolumeClaims, corev1.ResourceConfigMaps,
		corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers,
	}
	countedResources = []corev1.ResourceName{
		corev1.ResourcePods, corev1.ResourceQuotas, corev1.ResourceServices, corev1.ResourceReplicationControllers,
		corev1.ResourceSecrets, corev1.ResourcePersistentVolumeClaims, corev1.ResourceConfigMaps,
		corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers,
	}
	// everyContainer are the resources pave may give every container: a
	// LimitRange's maximum is also its default limit and request, so a
	// device or huge pages there would be asked for by every container of
	// the tier, and the API server takes them only with a request equal to
	// the limit.
	everyContainer = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage}
)

// validateResourceLists judges the resource lists pave writes into other
// objects as the API server judges them there, and refuses what it would
// refuse: a tier's quota (its ResourceQuota), its maxPerContainer (its
// LimitRange's maximum) and the default requests and limits (the
// LimitRange's defaults, and every container pave completes). A name or
// value the API server refuses would fail every namespace's reconcile, or
// every Pod, long after the policy was accepted.
func validateResourceLists(s v1alpha1.PlatformPolicySpec) error {
	requests := resourceList{"spec.resources.defaultRequests", s.Resources.DefaultRequests, containerResource}
	limits := resourceList{"spec.resources.defaultLimits", s.Resources.DefaultLimits, containerResource}
	lists := []resourceList{requests, limits}
	for i, t := range s.Tiers.Tiers {
		lists = append(lists,
			resourceList{fmt.Sprintf("spec.tiers.tiers[%d].quota", i), t.Quota, quotaResource},
			resourceList{fmt.Sprintf("spec.tiers.tiers[%d].maxPerContainer", i), t.MaxPerContainer, containerResource})
	}
	if err := resourceLists(lists...); err != nil {
		return err
	}
	return notAbove(requests, limits)
}

// resourceList is a list of the policy at field, whose names check judges.
type resourceList struct {
	field string
	list  corev1.ResourceList
	check func(corev1.ResourceName) string
}

// resourceLists judges each list's names and values.
func resourceLists(lists ...resourceList) error {
	for _, l := range lists {
		for _, name := range slices.Sorted(maps.Keys(l.list)) {
			at := l.field + "." + string(name)
			if why := l.check(name); why != "" {
				return fmt.Errorf("%s: %q %s", at, name, why)
			}
			q := l.list[name]
			if q.Sign() < 0 {
				return fmt.Errorf("%s: %s is negative", at, q.String())
			}
			if slices.Contains(countedResources, name) && q.MilliValue()%1000 != 0 {
				return fmt.Errorf("%s: %s is not a whole number, and Kubernetes counts %s in units", at, q.String(), name)
			}
		}
	}
	return nil
}

// notAbove refuses a request above its limit.
func notAbove(requests, limits resourceList) error {
	for _, name := range slices.Sorted(maps.Keys(requests.list)) {
		req := requests.list[name]
		if lim, ok := limits.list[name]; ok && req.Cmp(lim) > 0 {
			return fmt.Errorf("%s.%s (%s) must not exceed %s.%s (%s)", requests.field, name, req.String(), limits.field, name, lim.String())
		}
	}
	return nil
}

// quotaResource says why name is no resource a ResourceQuota counts; "" if
// it is one.
func quotaResource(name corev1.ResourceName) string {
	if why := qualified(name); why != "" {
		return why
	}
	if !strings.Contains(string(name), "/") && !slices.Contains(quotaResources, name) && !hugePages(strings.TrimPrefix(string(name), "requests.")) {
		return "is not a resource a ResourceQuota counts: use one such as requests.cpu, requests.memory, limits.memory, pods, count/<resource>.<group> or requests.<domain>/<device>"
	}
	return ""
}

// containerResource says why name is no resource pave may give every
// container; "" if it is one.
func containerResource(name corev1.ResourceName) string {
	if why := qualified(name); why != "" {
		return why
	}
	if !slices.Contains(everyContainer, name) {
		return "is not a resource pave can give every container: use cpu, memory or ephemeral-storage (a device or huge pages are asked for by the workloads that need them, and bounded by the tier's quota: requests.<domain>/<device>)"
	}
	return ""
}

func qualified(name corev1.ResourceName) string {
	if errs := validation.IsQualifiedName(string(name)); len(errs) > 0 {
		return "is not a resource name: " + strings.Join(errs, "; ")
	}
	return ""
}

func hugePages(name string) bool { return strings.HasPrefix(name, corev1.ResourceHugePagesPrefix) }
