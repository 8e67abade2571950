package monitoring

import (
	"context"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var ruleBounds = policy.Rule{ID: "slo-bounds", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "SLO targets (pave.dev/slo-*) parse and lie within the policy's bounds, so every alert pave writes can be defended"}

// Bounds judges a workload's SLO annotations: a target the policy does not
// allow is denied with the range it does.
type Bounds struct{}

// Name implements engine.Validator.
func (Bounds) Name() string { return "slo-bounds" }

// Rules implements engine.Validator.
func (Bounds) Rules() []policy.Rule { return []policy.Rule{ruleBounds} }

// Validate implements engine.Validator.
func (Bounds) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	_, problems := ObjectiveOf(w, env.Policy)
	var out []policy.Violation
	for _, p := range problems {
		out = append(out, ruleBounds.Violation(p.Field, p.Message, p.Fix))
	}
	return out
}
