package engine

import (
	"fmt"

	"gomodules.xyz/jsonpatch/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Result is the engine's verdict on one workload.
type Result struct {
	// Original is the workload as it came in; Mutated is it after the mutators.
	Original, Mutated *workload.Workload
	// Mutators lists, in order, the mutators that changed something.
	Mutators []string
	// Violations are the broken rules, with their effective mode.
	Violations []policy.Violation
	// Warnings are notes for the user that are not rule violations (an expired
	// exception, for instance).
	Warnings []string
	// Objects are the companion objects that should exist.
	Objects []client.Object
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

// ByMode returns the violations that are not waived and run in mode m.
func (r *Result) ByMode(m v1alpha1.Mode) []policy.Violation {
	var out []policy.Violation
	for _, v := range r.Violations {
		if v.Mode == m && v.Exception == "" {
			out = append(out, v)
		}
	}
	return out
}

// Patch is the JSON patch from Original to Mutated. Both sides are encoded from
// the same Go types, so the patch holds only what the mutators changed; applied
// to the raw request it leaves fields pave's types do not know untouched.
func (r *Result) Patch() ([]jsonpatch.Operation, error) {
	before, err := r.Original.JSON()
	if err != nil {
		return nil, fmt.Errorf("encode original: %w", err)
	}
	after, err := r.Mutated.JSON()
	if err != nil {
		return nil, fmt.Errorf("encode mutated: %w", err)
	}
	ops, err := jsonpatch.CreatePatch(before, after)
	if err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", r.Original.Kind, r.Original.Name(), err)
	}
	return ops, nil
}
