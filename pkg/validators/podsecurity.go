package validators

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// PodSecurity evaluates the Pod Security Standards with the Kubernetes project's
// own checks (k8s.io/pod-security-admission), one pave rule per check, so a
// finding names the exact check, field and fix. Rule ids are pss/<check id>.
type PodSecurity struct {
	checks []psaCheck
}

type psaCheck struct {
	rule policy.Rule
	fn   psa.CheckPodFn
}

// NewPodSecurity selects the checks of a level ("restricted" or "baseline") at
// their newest version, dropping the baseline checks a restricted check replaces.
func NewPodSecurity(level string) (*PodSecurity, error) {
	lvl, err := psaapi.ParseLevel(level)
	if err != nil || lvl == psaapi.LevelPrivileged {
		return nil, fmt.Errorf("pod security level %q: use restricted or baseline", level)
	}
	all := psa.DefaultChecks()
	overridden := map[psa.CheckID]bool{}
	for _, c := range all {
		if lvl == psaapi.LevelRestricted && c.Level == psaapi.LevelRestricted {
			for _, id := range c.Versions[len(c.Versions)-1].OverrideCheckIDs {
				overridden[id] = true
			}
		}
	}
	p := &PodSecurity{}
	for _, c := range all {
		if overridden[c.ID] || (lvl == psaapi.LevelBaseline && c.Level == psaapi.LevelRestricted) {
			continue
		}
		p.checks = append(p.checks, psaCheck{
			rule: policy.Rule{ID: "pss/" + string(c.ID), Severity: pssSeverity(c), Mode: v1alpha1.ModeEnforce,
				Description: fmt.Sprintf("Pod Security Standard %s: %s", c.Level, pssDescription(string(c.ID)))},
			fn: c.Versions[len(c.Versions)-1].CheckPod,
		})
	}
	return p, nil
}

func pssSeverity(c psa.Check) v1alpha1.Severity {
	if c.Level == psaapi.LevelBaseline {
		return v1alpha1.SeverityCritical // baseline breaks are known privilege escalations
	}
	return v1alpha1.SeverityHigh
}

// Name implements engine.Validator.
func (*PodSecurity) Name() string { return "pod-security" }

// Rules implements engine.Validator.
func (p *PodSecurity) Rules() []policy.Rule {
	out := make([]policy.Rule, len(p.checks))
	for i, c := range p.checks {
		out[i] = c.rule
	}
	return out
}

// Validate implements engine.Validator. Its cost is linear in the number of
// containers: a failed check is evaluated again on the pod alone and on each
// container alone, and each finding carries the message of its own part (the
// whole pod's message names every failing container, and repeating it per
// container made the denial grow with their square).
func (p *PodSecurity) Validate(ctx context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	var parts *podParts // built at the first failed check, shared by the others
	for _, c := range p.checks {
		if ctx.Err() != nil {
			return out // the engine reports the deadline
		}
		if res := c.fn(w.PodMeta, w.PodSpec); !res.Allowed {
			if parts == nil {
				parts = newPodParts(w)
			}
			out = append(out, parts.locate(ctx, c, w, res)...)
		}
	}
	return out
}

// podParts are the pod spec without its containers, and the same with one
// container at a time, to evaluate a check on each part alone.
type podParts struct{ alone, one corev1.PodSpec }

func newPodParts(w *workload.Workload) *podParts {
	p := &podParts{alone: *w.PodSpec}
	p.alone.Containers, p.alone.InitContainers, p.alone.EphemeralContainers = nil, nil, nil
	p.one = p.alone
	p.one.Containers = make([]corev1.Container, 1)
	return p
}

// locate finds the fields a failed check is about, by evaluating the same check
// on the pod alone and on each container alone: the library reports container
// names, pave reports field paths.
func (p *podParts) locate(ctx context.Context, c psaCheck, w *workload.Workload, whole psa.CheckResult) []policy.Violation {
	if res := c.fn(w.PodMeta, &p.alone); !res.Allowed {
		field, fix := podField(c.rule.ID, w)
		if field == w.PodSpecPath+".volumes" {
			field = p.volume(c, w, field)
		}
		return []policy.Violation{c.rule.Violation(field, message(res), fix)}
	}
	var out []policy.Violation
	n := 0
	w.Containers(func(ctr *corev1.Container, at workload.Ref) {
		if n++; n%64 == 0 && ctx.Err() != nil {
			return
		}
		p.one.Containers[0] = *ctr
		if res := c.fn(w.PodMeta, &p.one); !res.Allowed {
			out = append(out, c.rule.Violation(at.Field(containerField(c.rule.ID, ctr)), message(res), containerFix(c.rule.ID, w, ctr)))
		}
	})
	if len(out) == 0 { // the combination fails, no single part does
		out = append(out, c.rule.Violation(w.PodSpecPath, message(whole), pssFix(c.rule.ID, w)))
	}
	return out
}

// volume is the field of the first volume the check refuses alone (an nfs
// or iscsi volume under restricted), else field.
func (p *podParts) volume(c psaCheck, w *workload.Workload, field string) string {
	one := p.alone
	for i := range p.alone.Volumes {
		one.Volumes = p.alone.Volumes[i : i+1]
		if !c.fn(w.PodMeta, &one).Allowed {
			return fmt.Sprintf("%s.volumes[%d]", w.PodSpecPath, i)
		}
	}
	return field
}

func message(r psa.CheckResult) string {
	if r.ForbiddenDetail != "" {
		return r.ForbiddenReason + ": " + r.ForbiddenDetail
	}
	return r.ForbiddenReason
}
