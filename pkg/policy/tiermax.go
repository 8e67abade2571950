package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// fitsTier refuses a tier whose maxPerContainer is below what pave itself
// gives containers: the default requests and limits (the API server would
// refuse the tier's LimitRange, whose defaults must not exceed its maximum)
// and, in istio mode, the sidecar's resources (every meshed pod of the tier
// would be refused, and rule container-max would deny every workload for a
// container no team wrote).
func fitsTier(s v1alpha1.PlatformPolicySpec, i int) error {
	t := s.Tiers.Tiers[i]
	type given struct {
		field string
		list  corev1.ResourceList
	}
	gives := []given{
		{"spec.resources.defaultRequests", s.Resources.DefaultRequests},
		{"spec.resources.defaultLimits", s.Resources.DefaultLimits},
	}
	if s.Mesh.Mode == v1alpha1.MeshIstio && s.Mesh.Sidecar.Container != nil {
		r := s.Mesh.Sidecar.Container.Resources
		gives = append(gives, given{"spec.mesh.sidecar.container.resources.requests", r.Requests},
			given{"spec.mesh.sidecar.container.resources.limits", r.Limits})
	}
	for _, name := range slices.Sorted(maps.Keys(t.MaxPerContainer)) {
		most := t.MaxPerContainer[name]
		for _, g := range gives {
			if q, ok := g.list[name]; ok && q.Cmp(most) > 0 {
				return fmt.Errorf("spec.tiers.tiers[%d].maxPerContainer.%s: %s is below %s.%s (%s), which pave gives containers itself: raise the maximum of tier %q, or lower what pave gives",
					i, name, most.String(), g.field, name, q.String(), t.Name)
			}
		}
	}
	return nil
}

// quotaCovered refuses a tier whose quota counts cpu or memory that pave
// leaves some containers without. Once a ResourceQuota counts requests.cpu
// (or cpu), limits.cpu, and the same of memory, the API server refuses every
// Pod with a container that does not set it ("must specify limits.cpu"),
// and pave's own defaults (the tier's LimitRange) are what set it on a
// container that does not: defaultRequests and defaultLimits, and the
// tier's maxPerContainer, which the API server makes the LimitRange's
// default limit, itself the default request.
func quotaCovered(s v1alpha1.PlatformPolicySpec, i int) error {
	t := s.Tiers.Tiers[i]
	for _, key := range slices.Sorted(maps.Keys(t.Quota)) {
		name, isLimit := string(key), false
		if r, ok := strings.CutPrefix(name, "limits."); ok {
			name, isLimit = r, true
		} else {
			name = strings.TrimPrefix(name, "requests.")
		}
		r := corev1.ResourceName(name)
		if r != corev1.ResourceCPU && r != corev1.ResourceMemory {
			continue // the API server asks containers for cpu and memory alone
		}
		_, limited := s.Resources.DefaultLimits[r]
		_, capped := t.MaxPerContainer[r]
		_, requested := s.Resources.DefaultRequests[r]
		if limited || capped || !isLimit && requested {
			continue
		}
		kind, field := "request", "defaultRequests"
		if isLimit {
			kind, field = "limit", "defaultLimits"
		}
		return fmt.Errorf("spec.tiers.tiers[%d].quota.%s: once a quota counts it, the API server refuses every Pod with a container that sets no %s %s, and pave gives containers none: set spec.resources.%s.%s (or a maxPerContainer.%s for tier %q), or leave %s out of the quota",
			i, key, name, kind, field, name, name, t.Name, key)
	}
	return nil
}
