package engine

import (
	"context"
	"reflect"
	"strconv"

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

// SharedInScope copies w as Mutate does and lists each place in the
// mutators' scope where the copy shares a pointer, slice or map with w (but
// the resource lists, shared by contract): a mutator writing there would
// write into w too, which may be a decoder's memo every request reads.
func (e *Engine) SharedInScope(w *workload.Workload) []string {
	sc := e.scopes[w.Kind]
	c := copyInScope(w, sc)
	var out []string
	sharedIn(reflect.ValueOf(w.Object).Elem(), reflect.ValueOf(c.Object).Elem(), sc, nil, &out)
	return out
}

func sharedIn(a, b reflect.Value, s *scope, path []string, out *[]string) {
	t := a.Type()
	if t == resourceListType || scalar(t) || leaf(t) {
		return
	}
	shared := func() { *out = append(*out, pointer(path)) }
	switch t.Kind() {
	case reflect.Pointer:
		switch {
		case a.IsNil() || b.IsNil():
		case a.Pointer() == b.Pointer():
			shared()
		default:
			sharedIn(a.Elem(), b.Elem(), s, path, out)
		}
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			shared()
			return
		}
		for i := range min(a.Len(), b.Len()) {
			if sub, in := s.under(strconv.Itoa(i)); in {
				sharedIn(a.Index(i), b.Index(i), sub, append(path, strconv.Itoa(i)), out)
			}
		}
	case reflect.Map:
		if !a.IsNil() && !b.IsNil() && a.Pointer() == b.Pointer() {
			shared()
			return
		}
		for it := a.MapRange(); it.Next(); {
			k := it.Key().String()
			if sub, in := s.under(k); in && b.MapIndex(it.Key()).IsValid() {
				sharedIn(it.Value(), b.MapIndex(it.Key()), sub, append(path, k), out)
			}
		}
	case reflect.Struct:
		for _, f := range s.fieldsIn(t) {
			fa, fb := fieldOf(a, f.index), fieldOf(b, f.index)
			if f.inline {
				sharedIn(fa, fb, s, path, out)
			} else if sub, in := s.under(f.name); in {
				sharedIn(fa, fb, sub, append(path, f.name), out)
			}
		}
	}
}
