package engine

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/workload"
)

// copyInScope is the copy of w the mutators change: what the mutators' scope
// names is the copy's own, and the rest is w's, shared. No mutator may
// write outside its scope (TestMutatorsChangeOnlyTheirScope), nor into w
// (TestMutateLeavesTheOriginal), so what lies outside is only read. A
// whole deep copy allocated the object twice and copied what no mutator
// touches (the object's annotations, managed fields and owner references,
// the selector, each container's probes, ports and environment): a third
// of the bytes of pave's /mutate handler (docs/performance.md). A nil
// scope (a mutator that is not Scoped) copies everything but the resource
// lists (deepen). w is only read.
func copyInScope(w *workload.Workload, s *scope) *workload.Workload {
	v := reflect.ValueOf(w.Object).Elem()
	c := reflect.New(v.Type())
	c.Elem().Set(v)
	own(c.Elem(), s)
	out, err := workload.New(c.Interface().(runtime.Object))
	if err != nil {
		panic(err) // unreachable: the same type as a valid original
	}
	return out
}

// own makes what scope s names in v its own: v holds a shallow copy (it
// shares every pointer, slice and map with the original), and each of
// those that s reaches into is replaced by a copy, down to the places s
// names, which are copied whole (deepen). A nil s is everything.
func own(v reflect.Value, s *scope) {
	if s == nil {
		deepen(v)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for _, f := range s.fieldsIn(v.Type()) {
			fv := fieldOf(v, f.index)
			if f.inline {
				own(fv, s)
				continue
			}
			if sub, in := s.under(f.name); in {
				own(fv, sub)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			n := reflect.New(v.Type().Elem())
			n.Elem().Set(v.Elem())
			own(n.Elem(), s)
			v.Set(n)
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(n, v)
		for i := range n.Len() {
			if sub, in := s.under(strconv.Itoa(i)); in {
				own(n.Index(i), sub)
			}
		}
		v.Set(n)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			val := it.Value()
			if sub, in := s.under(it.Key().String()); in && !scalar(val.Type()) {
				e := reflect.New(val.Type()).Elem()
				e.Set(val)
				own(e, sub)
				val = e
			}
			n.SetMapIndex(it.Key(), val)
		}
		v.Set(n)
	case reflect.Interface:
		deepen(v)
	}
}

var scalars sync.Map // reflect.Type -> bool

// deepen makes all of v its own, as a generated DeepCopy would, but for
// two things: resource lists stay shared, as the decoder's memo shares
// them (whoever sets a resource replaces the list first,
// workload.WritableResources), and a struct with unexported fields (a
// Quantity, a Time) is copied by value, since the API's types change
// neither in place. v is addressable.
func deepen(v reflect.Value) {
	t := v.Type()
	if scalar(t) || deepenTyped(v.Addr().Interface()) {
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			n := reflect.New(t.Elem())
			n.Elem().Set(v.Elem())
			deepen(n.Elem())
			v.Set(n)
		}
	case reflect.Slice:
		if !v.IsNil() {
			n := reflect.MakeSlice(t, v.Len(), v.Len())
			reflect.Copy(n, v)
			for i := range n.Len() {
				deepen(n.Index(i))
			}
			v.Set(n)
		}
	case reflect.Map:
		if !v.IsNil() {
			n := reflect.MakeMapWithSize(t, v.Len())
			for it := v.MapRange(); it.Next(); {
				e := reflect.New(t.Elem()).Elem()
				e.Set(it.Value())
				deepen(e)
				n.SetMapIndex(it.Key(), e)
			}
			v.Set(n)
		}
	case reflect.Struct:
		for i := range t.NumField() {
			deepen(v.Field(i))
		}
	case reflect.Interface:
		if !v.IsNil() {
			e := reflect.New(v.Elem().Type()).Elem()
			e.Set(v.Elem())
			deepen(e)
			v.Set(e)
		}
	}
}

// deepenTyped is deepen, by the API's generated copies, for the places the
// mutators' scopes name: by reflection, the proxy's volumes took longer to
// copy than a Pod made from a complete template took to admit. It reports
// whether p's type is one of them.
func deepenTyped(p any) bool {
	switch p := p.(type) {
	case *map[string]string: // labels and annotations
		*p = maps.Clone(*p)
	case *corev1.ResourceList:
	case *corev1.ResourceRequirements:
		p.Claims = slices.Clone(p.Claims)
	case *[]corev1.Container: // the init containers, whole
		*p = copyEach(*p, workload.CopyContainer)
	case *[]corev1.Volume:
		*p = copyEach(*p, (*corev1.Volume).DeepCopyInto)
	case *[]corev1.VolumeMount:
		*p = copyEach(*p, (*corev1.VolumeMount).DeepCopyInto)
	case **corev1.SecurityContext:
		*p = (*p).DeepCopy()
	case **corev1.PodSecurityContext:
		*p = (*p).DeepCopy()
	default:
		return false
	}
	return true
}

// copyEach is a new list of the elements of s, each copied by copyInto.
func copyEach[T any](s []T, copyInto func(*T, *T)) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i := range s {
		copyInto(&s[i], &out[i])
	}
	return out
}

// scalar reports whether a value of t holds nothing that a copy by value
// shares: no pointer, slice, map or interface, or only inside a struct with
// unexported fields (deepen).
func scalar(t reflect.Type) bool {
	if s, ok := scalars.Load(t); ok {
		return s.(bool)
	}
	s := true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		s = false
	case reflect.Array:
		s = scalar(t.Elem())
	case reflect.Struct:
		opaque := false // copied by value whole: see deepen
		for i := range t.NumField() {
			opaque = opaque || !t.Field(i).IsExported()
		}
		for i := 0; i < t.NumField() && !opaque && s; i++ {
			s = scalar(t.Field(i).Type)
		}
	}
	scalars.Store(t, s)
	return s
}
