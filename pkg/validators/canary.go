package validators

import (
	"context"
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Canary checks a canary's annotations before anything is routed: weights
// are percentages, steps rise to 100, an interval goes with them, the header
// is name=value, and the pods carry the stable's name so its Service reaches them.
type Canary struct{}

var ruleCanary = policy.Rule{ID: "canary", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "canary annotations are valid and the canary's pods join the stable's Service"}

// Name implements engine.Validator.
func (Canary) Name() string { return "canary" }

// Rules implements engine.Validator.
func (Canary) Rules() []policy.Rule { return []policy.Rule{ruleCanary} }

// Validate implements engine.Validator.
func (Canary) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	c, ok, problems := mesh.CanaryOf(w)
	if !ok {
		return nil
	}
	var out []policy.Violation
	if !env.Policy.Spec.Mesh.Mode.UsesIstio() {
		out = append(out, ruleCanary.Violation(policy.AnnotationField(v1alpha1.AnnotationCanaryOf),
			fmt.Sprintf("canary routing needs Istio, and the policy's mesh mode is %q", env.Policy.Spec.Mesh.Mode),
			"ask the platform team to set spec.mesh.mode to istio or delegate, or remove the canary annotations"))
	}
	for _, p := range problems {
		out = append(out, ruleCanary.Violation(policy.AnnotationField(p.Annotation), p.Message, p.Fix))
	}
	if got := w.PodMeta.Labels[v1alpha1.LabelName]; got != c.Of {
		out = append(out, ruleCanary.Violation(fmt.Sprintf("%s.labels[%s]", w.PodMetaPath, v1alpha1.LabelName),
			fmt.Sprintf("the canary's pods are named %q, so %q's Service does not reach them", got, c.Of),
			fmt.Sprintf("label the pod template %s: %s (pave does when the label is missing)", v1alpha1.LabelName, c.Of)))
	}
	return out
}
