package engine

import (
	"context"
	"reflect"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// DiffKept is the patch algorithm before typed changes, kept as the
// reference the new one is tested against (and still used for objects
// without a pod template).
var DiffKept = diffKept

// OutsideScope runs the engine's steps on w one by one, as Mutate does, and
// lists each change a step made outside its own Scope, by step and JSON
// pointer, each step that is not Scoped, and each that changed something
// but reported no change.
func (e *Engine) OutsideScope(ctx context.Context, w *workload.Workload, env policy.Env) ([]string, error) {
	env.Policy = e.policy
	var out []string
	for _, s := range e.steps {
		sc, ok := s.Mutator.(Scoped)
		if !ok {
			out = append(out, s.Mutator.Name()+" is not Scoped")
			continue
		}
		before := w.DeepCopy()
		changed, err := s.Mutator.Mutate(ctx, w, env)
		if err != nil {
			return nil, err
		}
		a, b := reflect.ValueOf(before.Object), reflect.ValueOf(w.Object)
		all := typedChanges(a, b, nil)
		if !changed && len(all) > 0 {
			out = append(out, s.Mutator.Name()+" changed the workload but reported no change")
		}
		in := map[string]bool{}
		for _, c := range typedChanges(a, b, compileScope(w.Kind, sc.Scope())) {
			in[pointer(c.path)] = true
		}
		for _, c := range all {
			if p := pointer(c.path); !in[p] {
				out = append(out, s.Mutator.Name()+" changed "+p)
			}
		}
	}
	return out, nil
}

// Pointer is the JSON pointer of a path.
var Pointer = pointer
