package engine

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// change is one place where the JSON encodings of two typed objects differ:
// at path, after holds what the second has there (invalid: nothing, it was
// removed), and chain the second object's values along the path, so an
// ancestor can be added whole where the document being patched lacks it.
type change struct {
	path  []string
	after reflect.Value
	chain []reflect.Value
}

// typedChanges walks two values of the same Go type as encoding/json would
// encode them and reports each smallest place where the encodings differ:
// an object's fields and a map's keys one by one, a slice element by element
// (its growth and shrinking at the end), and leaves (scalars, and types that
// encode themselves, such as quantities and times) whole. Unlike a diff of
// the two encodings it decodes nothing, which was nine tenths of a mutation's
// cost (docs/performance.md). Only the places in sc are compared (nil:
// everywhere).
func typedChanges(a, b reflect.Value, sc *scope) []change { return newWalker().changes(a, b, sc) }

// child compares a and b, found at key under the current place.
func (w *walker) child(key string, a, b reflect.Value) {
	next, in := w.at.under(key)
	if !in {
		return
	}
	at := w.at
	w.at = next
	w.path = append(w.path, key)
	switch {
	case !b.IsValid():
		w.record(reflect.Value{})
	case !a.IsValid():
		w.record(b)
	default:
		w.chain = append(w.chain, b)
		w.walk(a, b)
		w.chain = w.chain[:len(w.chain)-1]
	}
	w.path = w.path[:len(w.path)-1]
	w.at = at
}

func (w *walker) walk(a, b reflect.Value) {
	t := a.Type()
	switch t.Kind() {
	case reflect.String:
		if a.String() != b.String() {
			w.emit(b)
		}
		return
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			w.emit(b)
		}
		return
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			w.emit(b)
		}
		return
	}
	if leaf(t) {
		if !sameLeaf(a, b) {
			w.emit(b)
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		switch {
		case a.IsNil() && b.IsNil():
		case a.IsNil() || b.IsNil() || t.Kind() == reflect.Interface:
			if !reflect.DeepEqual(a.Interface(), b.Interface()) {
				w.emit(b)
			}
		default:
			w.walk(a.Elem(), b.Elem())
		}
	case reflect.Struct:
		for _, f := range w.at.fieldsIn(t) {
			fa, fb := fieldOf(a, f.index), fieldOf(b, f.index)
			if f.inline {
				w.walk(fa, fb)
				continue
			}
			oa, ob := f.omitEmpty && empty(fa), f.omitEmpty && empty(fb)
			switch {
			case oa && ob:
			case ob:
				w.child(f.name, fa, reflect.Value{})
			case oa:
				w.child(f.name, reflect.Value{}, fb)
			default:
				w.child(f.name, fa, fb)
			}
		}
	case reflect.Map:
		if a.IsNil() != b.IsNil() {
			w.emit(b) // null against an object
			return
		}
		if a.Pointer() == b.Pointer() {
			return // one map, shared by the copy (copyInScope): unchanged
		}
		switch t {
		case stringMapType: // labels and annotations, in every object
			w.stringMap(a, b)
			return
		case resourceListType: // limits and requests, in every container
			w.resourceList(a, b)
			return
		}
		for _, k := range mapKeys(a, b) {
			w.child(k.String(), a.MapIndex(k), b.MapIndex(k))
		}
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && a.IsNil() != b.IsNil() {
			w.emit(b) // null against an array
			return
		}
		n := min(a.Len(), b.Len())
		for i := range n {
			w.child(strconv.Itoa(i), a.Index(i), b.Index(i))
		}
		for i := a.Len() - 1; i >= b.Len(); i-- { // from the end, so each index is still there
			w.child(strconv.Itoa(i), a.Index(i), reflect.Value{})
		}
		for i := a.Len(); i < b.Len(); i++ {
			w.child(strconv.Itoa(i), reflect.Value{}, b.Index(i))
		}
	default:
		if !sameLeaf(a, b) {
			w.emit(b)
		}
	}
}

var stringMapType = reflect.TypeFor[map[string]string]()

// stringMap compares two map[string]string without reflection but for the
// keys that differ, in order: reflection over every key, to find the few
// that changed, was a fifth of the walk.
func (w *walker) stringMap(a, b reflect.Value) {
	ma, mb := a.Interface().(map[string]string), b.Interface().(map[string]string)
	for _, k := range changedKeys(ma, mb, func(x, y string) bool { return x == y }) {
		kv := reflect.ValueOf(k)
		w.child(k, a.MapIndex(kv), b.MapIndex(kv))
	}
}

// changedKeys are the keys of two maps whose values are not the same, or
// that one map lacks, sorted.
func changedKeys[K ~string, V any](a, b map[K]V, same func(V, V) bool) []K {
	var keys []K
	for k, va := range a {
		if vb, ok := b[k]; !ok || !same(va, vb) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// fieldOf is v.FieldByIndex without its slice walk for a direct field.
func fieldOf(v reflect.Value, index []int) reflect.Value {
	if len(index) == 1 {
		return v.Field(index[0])
	}
	return v.FieldByIndex(index)
}

// mapKeys are the keys of two maps of the same type, sorted by their string.
func mapKeys(a, b reflect.Value) []reflect.Value {
	keys := make([]reflect.Value, 0, a.Len()+1)
	for it := a.MapRange(); it.Next(); {
		keys = append(keys, it.Key())
	}
	for it := b.MapRange(); it.Next(); {
		if !a.MapIndex(it.Key()).IsValid() {
			keys = append(keys, it.Key())
		}
	}
	slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
	return keys
}

var (
	marshaler     = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

var leafCache sync.Map // reflect.Type -> bool

// leaf reports whether values of t are compared whole: they encode
// themselves, or they are bytes (a base64 string).
func leaf(t reflect.Type) bool {
	if l, ok := leafCache.Load(t); ok {
		return l.(bool)
	}
	l := t.Implements(marshaler) || t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(marshaler) || reflect.PointerTo(t).Implements(textMarshaler) ||
		t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	leafCache.Store(t, l)
	return l
}

// sameLeaf compares two leaves as encoded: equal values, or values that
// encode the same (a quantity with and without its cached string).
func sameLeaf(a, b reflect.Value) bool {
	x, y := a.Interface(), b.Interface()
	if port, ok := x.(intstr.IntOrString); ok {
		return sameIntOrString(port, y.(intstr.IntOrString))
	}
	if reflect.DeepEqual(x, y) {
		return true
	}
	ja, erra := json.Marshal(x)
	jb, errb := json.Marshal(y)
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}

// sameIntOrString is sameLeaf for ports, without encoding: a meshed Pod's
// probes are rewritten to the proxy's port, and encoding both sides of each
// was a fifth of the allocations of admitting a Pod of 20 containers
// (docs/performance.md, item 53). An IntOrString encodes as the
// member its Type names, so two encode the same exactly when their types and
// that member are equal.
func sameIntOrString(x, y intstr.IntOrString) bool {
	switch {
	case x == y:
		return true
	case x.Type != y.Type:
		return false
	case x.Type == intstr.Int:
		return x.IntVal == y.IntVal
	case x.Type == intstr.String:
		return x.StrVal == y.StrVal
	}
	return false
}

// empty is encoding/json's omitempty test.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// field is one JSON field of a struct type.
type field struct {
	name      string
	index     []int
	omitEmpty bool
	// inline: an embedded struct whose fields are the parent's.
	inline bool
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists a struct type's JSON fields as encoding/json sees them.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && (sf.Type.Kind() == reflect.Struct || sf.Type.Kind() == reflect.Pointer && sf.Type.Elem().Kind() == reflect.Struct) {
			out = append(out, field{index: sf.Index, inline: true})
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, index: sf.Index, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	fieldCache.Store(t, out)
	return out
}
