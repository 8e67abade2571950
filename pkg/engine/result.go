package engine

import (
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Result is the engine's verdict on one workload.
type Result struct {
	// Original is the workload as it came in (nil from RunInPlace); Mutated is
	// it after the mutators.
	Original, Mutated *workload.Workload
	// Mutators lists, in order, the mutators that changed something.
	Mutators []string
	// Violations are the broken rules, with their effective mode.
	Violations []policy.Violation
	// Warnings are notes for the user that are not rule violations (an expired
	// exception, for instance).
	Warnings []string
	// Objects are the companion objects that should exist beside the
	// object: none when admission denies it, and none from Findings.
	Objects []Object
	// encodings is the engine's memo for the patch's values; nil
	// remembers nothing.
	encodings *encodings
	// walkers are the engine's, lent to the patch; nil lends none.
	walkers *walkers
	// scope is where the mutators may have changed Mutated; nil is
	// anywhere.
	scope *scope
}

// Describe names an object as "Kind namespace/name", for warnings and reports.
// (Concatenated, not formatted: pave check names every companion of every
// workload, and fmt was a tenth of the engine's time there.)
func Describe(o Object) string {
	return o.GetObjectKind().GroupVersionKind().Kind + " " + o.GetNamespace() + "/" + o.GetName()
}

// Allowed reports whether no violation denies the workload.
func (r *Result) Allowed() bool {
	for _, v := range r.Violations {
		if v.Denies() {
			return false
		}
	}
	return true
}

// ByOutcome returns the violations with the given outcome.
func (r *Result) ByOutcome(o policy.Outcome) []policy.Violation {
	var out []policy.Violation
	for _, v := range r.Violations {
		if v.Outcome() == o {
			out = append(out, v)
		}
	}
	return out
}
