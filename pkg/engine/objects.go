package engine

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
)

// ObjectValidator judges objects that carry no pod template, of the kinds it
// names (Service, PersistentVolumeClaim, Namespace, ...). A rule for a new
// kind is one ObjectValidator and its test; the webhook configurations and
// pave check follow from its Kinds.
type ObjectValidator interface {
	Name() string
	// Kinds lists the kinds the validator judges.
	Kinds() []schema.GroupVersionKind
	// Rules lists every rule it can report, with its defaults.
	Rules() []policy.Rule
	ValidateObject(ctx context.Context, obj Object, env policy.Env) []policy.Violation
}

// ObjectKinds are the kinds without a pod template that the engine judges,
// in order and without repeats.
func (e *Engine) ObjectKinds() []schema.GroupVersionKind {
	return slices.Clone(e.objKinds)
}

// Governs reports whether the engine judges objects of gvk that carry no pod
// template. It is asked for every object pave check reads and every request
// the validating webhook gets, so the kinds are listed once, in New.
func (e *Engine) Governs(gvk schema.GroupVersionKind) bool {
	return slices.Contains(e.objKinds, gvk)
}

// ValidateObject judges an object without a pod template, as it will be
// stored; old is the object before an UPDATE, or nil. Findings are bounded,
// waived by exceptions and, on UPDATE, marked Preexisting exactly as a
// workload's are (see ValidateUpdate).
func (e *Engine) ValidateObject(ctx context.Context, obj, old Object, env policy.Env) ([]policy.Violation, []string, error) {
	vs, warnings, err := e.validateObject(ctx, obj, env)
	if err != nil || old == nil || !slices.ContainsFunc(vs, policy.Violation.Denies) {
		return vs, warnings, err
	}
	before, _, err := e.validateObject(ctx, old, env)
	if err != nil {
		return nil, nil, err
	}
	markPreexisting(vs, before)
	return vs, warnings, nil
}

func (e *Engine) validateObject(ctx context.Context, obj Object, env policy.Env) ([]policy.Violation, []string, error) {
	env.Policy = e.policy
	gvk := obj.GetObjectKind().GroupVersionKind()
	s := subject{Kind: gvk.Kind, Meta: obj}
	var out []policy.Violation
	for _, v := range e.objValidators {
		if !slices.Contains(v.Kinds(), gvk) {
			continue
		}
		found := v.ValidateObject(ctx, obj, env)
		if err := ctx.Err(); err != nil {
			return nil, nil, interruptedObject(s, err)
		}
		out = e.withModes(out, found)
	}
	vs, warnings := applyExceptions(bound(out), s, env)
	return vs, warnings, nil
}
