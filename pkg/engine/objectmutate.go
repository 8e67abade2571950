package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"gomodules.xyz/jsonpatch/v2"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
)

// ObjectMutator completes objects that carry no pod template, of the kinds it
// names (a PersistentVolumeClaim's storage class, ...). It runs when the
// object is created: the specs of such kinds are mostly immutable
// afterwards, and a patch the API server refuses would fail the user's
// update over a field they never wrote. One that may complete updates too
// says so (UpdateCompleter). A mutator for a new kind is one
// ObjectMutator and its test; the mutating webhook configuration follows
// from its Kinds.
type ObjectMutator interface {
	Name() string
	// Kinds lists the kinds the mutator completes.
	Kinds() []schema.GroupVersionKind
	// MutateObject changes obj in place and reports whether it changed it.
	MutateObject(ctx context.Context, obj Object, env policy.Env) (bool, error)
}

// UpdateCompleter is an ObjectMutator that completes updates as well as
// creations. What it sets is a default the writer left open, which a later
// write may drop again: a PUT of a manifest without the field (kubectl
// replace, an operator that updates with the object it builds). Setting it
// again changes nothing the writer chose.
type UpdateCompleter interface {
	ObjectMutator
	// CompletesUpdates marks the mutator; it does nothing.
	CompletesUpdates()
}

// MutatedKinds are the kinds without a pod template that the engine
// completes, in order and without repeats.
func (e *Engine) MutatedKinds() []schema.GroupVersionKind { return slices.Clone(e.objMutKinds) }

// UpdatedKinds are those of MutatedKinds whose updates the engine completes
// too (UpdateCompleter).
func (e *Engine) UpdatedKinds() []schema.GroupVersionKind { return slices.Clone(e.objUpdKinds) }

// Completes reports whether the engine completes objects of gvk that carry
// no pod template, at their creation.
func (e *Engine) Completes(gvk schema.GroupVersionKind) bool {
	return slices.Contains(e.objMutKinds, gvk)
}

// CompletesUpdates reports whether the engine completes updates of objects
// of gvk that carry no pod template.
func (e *Engine) CompletesUpdates(gvk schema.GroupVersionKind) bool {
	return slices.Contains(e.objUpdKinds, gvk)
}

// ObjectMutators returns the object mutators, for pave explain.
func (e *Engine) ObjectMutators() []ObjectMutator { return slices.Clone(e.objMutators) }

// ObjectResult is an object without a pod template before and after the
// object mutators.
type ObjectResult struct {
	Original, Mutated Object
	// Mutators lists, in order, the mutators that changed something.
	Mutators []string
}

// MutateObject completes a copy of obj, as created, with every mutator of
// its kind.
func (e *Engine) MutateObject(ctx context.Context, obj Object, env policy.Env) (*ObjectResult, error) {
	return e.mutateObject(ctx, obj, env, false)
}

// MutateObjectUpdate completes a copy of obj, as updated, with the mutators
// of its kind that complete updates (UpdateCompleter).
func (e *Engine) MutateObjectUpdate(ctx context.Context, obj Object, env policy.Env) (*ObjectResult, error) {
	return e.mutateObject(ctx, obj, env, true)
}

func (e *Engine) mutateObject(ctx context.Context, obj Object, env policy.Env, update bool) (*ObjectResult, error) {
	env.Policy = e.policy
	gvk := obj.GetObjectKind().GroupVersionKind()
	copied, ok := obj.DeepCopyObject().(Object)
	if !ok {
		return nil, fmt.Errorf("copy %s %s: not an object", gvk.Kind, obj.GetName())
	}
	r := &ObjectResult{Original: obj, Mutated: copied}
	for _, m := range e.objMutators {
		if _, completesUpdates := m.(UpdateCompleter); !slices.Contains(m.Kinds(), gvk) || update && !completesUpdates {
			continue
		}
		changed, err := m.MutateObject(ctx, r.Mutated, env)
		if err != nil {
			return nil, fmt.Errorf("mutator %s on %s %s: %w", m.Name(), gvk.Kind, obj.GetName(), err)
		}
		if changed {
			r.Mutators = append(r.Mutators, m.Name())
		}
	}
	return r, nil
}

// Patch is the JSON patch that turns raw, the object as the user sent it,
// into the mutated object, holding only what the mutators changed (see
// Result.Patch for why it is diffed this way).
func (r *ObjectResult) Patch(raw []byte) ([]jsonpatch.Operation, error) {
	if len(r.Mutators) == 0 {
		return nil, nil
	}
	before, err := json.Marshal(r.Original)
	if err != nil {
		return nil, fmt.Errorf("encode original: %w", err)
	}
	after, err := json.Marshal(r.Mutated)
	if err != nil {
		return nil, fmt.Errorf("encode mutated: %w", err)
	}
	return diffKept(raw, before, after)
}
