package validators

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// ZeroLimit refuses a cpu or memory limit of 0 where the platform limits
// that resource. Everything in the API server takes it: validation, the
// namespace's LimitRange (0 is below any maximum, and a limit is given, so
// no default goes in) and its ResourceQuota (which counts it as 0). The
// kubelet reads a zero limit as none (Limits.Memory().IsZero() in
// pkg/kubelet/cm, Kubernetes 1.37), so the container runs unbounded, past
// the policy's default limit, the tier's maximum and its quota alike; and
// pave's resources mutator, which fills in only a missing limit, gives the
// request the limit's 0 as Kubernetes would. A pod-level limit of 0
// (spec.resources) does the same for every container of the pod. Where the
// platform limits neither, a zero is the same as no limit, which is allowed.
// A request of 0 is the team's to ask for: it bounds nothing.
type ZeroLimit struct{}

var ruleZeroLimit = policy.Rule{ID: "zero-limit", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "no cpu or memory limit of 0 where the policy gives a default limit or the tier a maximum or a quota on limits: the kubelet runs a zero limit as no limit, while the LimitRange and the ResourceQuota count it as 0"}

// Name implements engine.Validator.
func (ZeroLimit) Name() string { return "zero-limit" }

// Rules implements engine.Validator.
func (ZeroLimit) Rules() []policy.Rule { return []policy.Rule{ruleZeroLimit} }

// Validate implements engine.Validator. Ephemeral containers have no
// resources: the API server refuses them there.
func (ZeroLimit) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	// Called only where a limit is 0: nearly every workload has none.
	judge := func(limits corev1.ResourceList, at zeroSite) {
		bounds := boundsOf(env)
		for _, name := range [...]corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if !zero(limits, name) {
				continue
			}
			if v, ok := bounds.violation(at, name); ok {
				out = append(out, v)
			}
		}
	}
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if !at.Ephemeral() && anyZero(c.Resources.Limits) { // the path only for a finding
			judge(c.Resources.Limits, zeroSite{path: at.Field("resources.limits"), who: fmt.Sprintf("container %q", c.Name), written: "resources.limits"})
		}
	})
	if r := w.PodSpec.Resources; r != nil && anyZero(r.Limits) {
		judge(r.Limits, zeroSite{path: w.PodSpecPath + ".resources.limits", who: "the pod (spec.resources)", written: "spec.resources.limits", pod: true, podRequests: r.Requests})
	}
	return out
}

// zeroSite is where a zero limit was written: its field path, who has it,
// and the field as the team wrote it; at pod level (pod), with the pod's own
// requests.
type zeroSite struct {
	path, who, written string
	pod                bool
	podRequests        corev1.ResourceList
}

func zero(limits corev1.ResourceList, name corev1.ResourceName) bool {
	q, ok := limits[name]
	return ok && q.IsZero()
}

// anyZero reports whether limits holds a cpu or memory limit of 0, the two
// whose zero the kubelet reads as none.
func anyZero(limits corev1.ResourceList) bool {
	return len(limits) > 0 && (zero(limits, corev1.ResourceCPU) || zero(limits, corev1.ResourceMemory))
}

// limitBounds are what the platform limits a container's resources by.
type limitBounds struct {
	defaults corev1.ResourceList // the policy's default limits
	tier     v1alpha1.Tier
	tiered   bool
	resize   bool // a resize in place, which may not remove a limit
}

func boundsOf(env policy.Env) limitBounds {
	tier, tiered := quota.Of(env)
	return limitBounds{defaults: env.Policy.Spec.Resources.DefaultLimits, tier: tier, tiered: tiered, resize: env.Resize}
}

// violation is the finding on a zero limit of name, when anything of the
// platform's limits that resource.
func (b limitBounds) violation(at zeroSite, name corev1.ResourceName) (policy.Violation, bool) {
	var bounds []string
	def, hasDefault := b.defaults[name]
	if at.pod && b.tiered && hasDefault {
		// The tier's LimitRange gives each container the default limit,
		// above the pod's 0, and the API server refuses every pod of it:
		// pod-budget says so.
		return policy.Violation{}, false
	}
	if hasDefault {
		bounds = append(bounds, fmt.Sprintf("the policy's default limit of %s", def.String()))
	}
	if b.tiered {
		if most, ok := b.tier.MaxPerContainer[name]; ok && !at.pod { // a container's, not the pod's
			bounds = append(bounds, fmt.Sprintf("tier %q's maximum of %s a container", b.tier.Name, most.String()))
		}
		if hard, ok := b.tier.Quota[corev1.ResourceName("limits."+string(name))]; ok {
			bounds = append(bounds, fmt.Sprintf("the namespace's quota of %s on limits.%s (which counts it as 0)", hard.String(), name))
		}
	}
	if len(bounds) == 0 {
		return policy.Violation{}, false
	}
	written, whose := at.written+"."+string(name), "container"
	if at.pod {
		whose = "pod"
	}
	fix := fmt.Sprintf("set %s to what the %s needs", written, whose)
	// Taken out, the zero gives way to the policy's default, but not at pod
	// level while the pod budgets a request of it: its containers then
	// share the pod's, and get no default of their own. A resize may not
	// take a limit out at all.
	if b.resize {
		fix += " (a resize may change a limit, not remove it)"
	} else if _, budgeted := at.podRequests[name]; hasDefault && !budgeted {
		fix = fmt.Sprintf("remove %s to get the default of %s, or set it to what the %s needs", written, def.String(), whose)
	}
	return ruleZeroLimit.Violation(at.path+"."+string(name),
		fmt.Sprintf("%s has a %s limit of 0, which the kubelet runs as no limit at all, so it may take all of its node's %s: it escapes %s",
			at.who, name, name, andList(bounds)),
		fix), true
}

// andList joins phrases as a sentence does: "a", "a and b", "a, b and c".
func andList(phrases []string) string {
	if n := len(phrases); n > 1 {
		return strings.Join(phrases[:n-1], ", ") + " and " + phrases[n-1]
	}
	return strings.Join(phrases, "")
}
