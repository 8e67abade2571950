package engine

import (
	"context"
	"slices"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// ValidateUpdate judges the final state of an update. A violation the old
// object has too, with the same rule, field and message, is marked
// Preexisting: it is shown but does not deny, so an update that adds no new
// violation passes (a controller scaling or relabelling what a tightened
// policy now forbids), and one that adds a violation is denied (kubectl set
// image pod/web app=nginx:latest). With old nil it is Validate.
func (e *Engine) ValidateUpdate(ctx context.Context, w, old *workload.Workload, env policy.Env) ([]policy.Violation, []string, error) {
	vs, warnings, err := e.Validate(ctx, w, env)
	// Preexisting changes only what would deny: without such a finding the
	// old object is not judged (the common update adds warnings at most).
	if err != nil || old == nil || !slices.ContainsFunc(vs, policy.Violation.Denies) {
		return vs, warnings, err
	}
	before, _, err := e.Validate(ctx, old, env)
	if err != nil {
		return nil, nil, err
	}
	markPreexisting(vs, before)
	return vs, warnings, nil
}

// markPreexisting marks the findings that before has too (same rule, field
// and message), where a bound's has not grown (Violation.Measure).
func markPreexisting(vs, before []policy.Violation) {
	type key struct{ rule, field, message string }
	had := make(map[key]int, len(before)) // the measure before
	for _, v := range before {
		had[key{v.Rule, v.Field, v.Message}] = v.Measure
	}
	for i, v := range vs {
		measure, ok := had[key{v.Rule, v.Field, v.Message}]
		vs[i].Preexisting = ok && v.Measure <= measure
	}
}
