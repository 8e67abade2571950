package validators

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// ContainerMax says at the workload what the namespace's LimitRange refuses
// at every one of its pods: a container that asks for more than its tier's
// maxPerContainer. The LimitRange admission judges only Pods, so a Deployment
// above the maximum is admitted, and its ReplicaSet then fails to create each
// pod, with an event the team rarely sees. Enforced: such a workload never
// runs. The maximum is the policy's, which pave writes into the LimitRange.
type ContainerMax struct{}

var ruleContainerMax = policy.Rule{ID: "container-max", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "no container asks for more than its tier's maxPerContainer, which the namespace's LimitRange enforces on every pod"}

// Name implements engine.Validator.
func (ContainerMax) Name() string { return "container-max" }

// Rules implements engine.Validator.
func (ContainerMax) Rules() []policy.Rule { return []policy.Rule{ruleContainerMax} }

// Validate implements engine.Validator.
func (ContainerMax) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	tier, ok := quota.Of(env)
	if !ok || len(tier.MaxPerContainer) == 0 {
		return nil
	}
	names := slices.Sorted(maps.Keys(tier.MaxPerContainer))
	type asked struct {
		field string
		list  corev1.ResourceList
	}
	var out []policy.Violation
	judge := func(list string, cs []corev1.Container) {
		for i := range cs {
			c := &cs[i]
			for _, name := range names {
				most := tier.MaxPerContainer[name]
				// The limit first: a request above the maximum mostly comes
				// with its limit, and one finding says it.
				for _, a := range [...]asked{{"limits", c.Resources.Limits}, {"requests", c.Resources.Requests}} {
					q, ok := a.list[name]
					if !ok || q.Cmp(most) <= 0 {
						continue
					}
					out = append(out, ruleContainerMax.Violation(fmt.Sprintf("%s.%s[%d].resources.%s.%s", w.PodSpecPath, list, i, a.field, name),
						fmt.Sprintf("container %q %s %s of %s, above %s, the most a container may have in tier %q: the namespace's LimitRange %s refuses every pod of it",
							c.Name, a.field, q.String(), name, most.String(), tier.Name, quota.ObjectName),
						fmt.Sprintf("lower resources.%s.%s to %s or less, or ask the platform team for a larger tier (label %s on the namespace)",
							a.field, name, most.String(), v1alpha1.LabelTier)))
					break
				}
			}
		}
	}
	judge("containers", w.PodSpec.Containers)
	judge("initContainers", w.PodSpec.InitContainers)
	return out
}
