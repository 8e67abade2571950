package engine

import (
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/pave-dev/pave/pkg/workload"
)

// Scoped is a Mutator that says where in a workload it may change anything,
// as Gatekeeper's mutators name their location. A mutation's patch then
// compares the original and the mutated object only there: comparing the
// whole object was a quarter of a /mutate (docs/performance.md). A Mutator
// that is not Scoped may change anything, and the whole object is compared.
// TestMutatorsChangeOnlyTheirScope holds each mutator to its scope.
type Scoped interface {
	// Scope lists field paths: JSON names joined by dots, "*" for any map
	// key or list element, and everything under a path listed in scope. A
	// path starting "pod." is in the pod template: "pod.spec.volumes" is a
	// Deployment's spec.template.spec.volumes and a Pod's spec.volumes. One
	// starting "podonly." is a Pod's own and in no other kind's scope, so
	// that a change made to Pods alone costs the templates' mutations no
	// copy ("podonly.spec.containers.*.readinessProbe").
	Scope() []string
}

// scope is a tree of the places a mutation may change. The nil scope is
// everywhere.
type scope struct {
	all  bool // everything under here
	kids map[string]*scope
	// fields are the struct fields in scope for the type found here (one
	// per place in a kind's tree), listed on first use: looking each field
	// up was a fifth of the walk.
	fields atomic.Pointer[scopedFields]
}

type scopedFields struct {
	t      reflect.Type
	fields []field
}

// scopes compiles the steps' scopes for every workload kind, by kind name;
// nil when a step is not Scoped, so the whole object is compared.
func scopes(steps []Step) map[string]*scope {
	var paths []string
	for _, s := range steps {
		sc, ok := s.Mutator.(Scoped)
		if !ok {
			return nil
		}
		paths = append(paths, sc.Scope()...)
	}
	out := map[string]*scope{}
	for _, k := range workload.Kinds() {
		out[k.Kind] = compileScope(k.Kind, paths)
	}
	return out
}

// compileScope builds the tree of paths for a kind.
func compileScope(kind string, paths []string) *scope {
	root := &scope{}
	pod := strings.TrimSuffix(workload.PodSpecPath(kind), "spec") // "spec.template." or "" for a Pod
	for _, p := range paths {
		if rest, ok := strings.CutPrefix(p, "podonly."); ok {
			if kind != "Pod" {
				continue
			}
			p = rest
		} else if rest, ok := strings.CutPrefix(p, "pod."); ok {
			p = pod + rest
		}
		n := root
		for _, key := range strings.Split(p, ".") {
			if n.all {
				break
			}
			if n.kids == nil {
				n.kids = map[string]*scope{}
			}
			if n.kids[key] == nil {
				n.kids[key] = &scope{}
			}
			n = n.kids[key]
		}
		n.all, n.kids = true, nil
	}
	root.spread()
	return root
}

// spread copies what is under a "*" to each named sibling, so a lookup
// takes the named one alone.
func (s *scope) spread() {
	if any := s.kids["*"]; any != nil {
		for k, n := range s.kids {
			if k != "*" {
				n.merge(any)
			}
		}
	}
	for _, n := range s.kids {
		n.spread()
	}
}

// merge adds what o covers to s.
func (s *scope) merge(o *scope) {
	if s.all {
		return
	}
	if o.all {
		s.all, s.kids = true, nil
		return
	}
	for k, on := range o.kids {
		if s.kids[k] == nil {
			if s.kids == nil {
				s.kids = map[string]*scope{}
			}
			s.kids[k] = &scope{}
		}
		s.kids[k].merge(on)
	}
}

// fieldsIn lists t's fields that are in scope s, and those inlined that
// hold any, whose own fields are looked up on the way down.
func (s *scope) fieldsIn(t reflect.Type) []field {
	if s == nil {
		return fieldsOf(t)
	}
	if f := s.fields.Load(); f != nil && f.t == t {
		return f.fields
	}
	in := s.listFields(t)
	s.fields.Store(&scopedFields{t, in})
	return in
}

// listFields is fieldsIn without the memo. An inlined struct with nothing
// in scope is left out: its fields are looked up at the same place as its
// parent's, and a Deployment's TypeMeta had the root's memo listing the
// TypeMeta's fields and the Deployment's in turn, twice a walk.
func (s *scope) listFields(t reflect.Type) []field {
	var in []field
	for _, f := range fieldsOf(t) {
		if f.inline {
			ft := t.FieldByIndex(f.index).Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if len(s.listFields(ft)) == 0 {
				continue
			}
		}
		if f.inline || s.kids[f.name] != nil || s.kids["*"] != nil {
			in = append(in, f)
		}
	}
	return in
}

// under is the scope at key below s, and whether key is in scope at all.
func (s *scope) under(key string) (*scope, bool) {
	if s == nil {
		return nil, true
	}
	n := s.kids[key]
	if n == nil {
		n = s.kids["*"]
	}
	switch {
	case n == nil:
		return nil, false
	case n.all:
		return nil, true
	}
	return n, true
}
