package policy

import (
	"fmt"
	"maps"
	"slices"

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
