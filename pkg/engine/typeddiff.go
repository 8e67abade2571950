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
// cost (docs/performance.md).
func typedChanges(a, b reflect.Value) []change {
	var out []change
	walk(a, b, nil, []reflect.Value{b}, &out)
	return out
}

func walk(a, b reflect.Value, path []string, chain []reflect.Value, out *[]change) {
	emit := func(v reflect.Value) {
		*out = append(*out, change{path: path, after: v, chain: chain})
	}
	t := a.Type()
	switch t.Kind() {
	case reflect.String:
		if a.String() != b.String() {
			emit(b)
		}
		return
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			emit(b)
		}
		return
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			emit(b)
		}
		return
	}
	if leaf(t) {
		if !sameLeaf(a, b) {
			emit(b)
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		switch {
		case a.IsNil() && b.IsNil():
		case a.IsNil() || b.IsNil() || t.Kind() == reflect.Interface:
			if !reflect.DeepEqual(a.Interface(), b.Interface()) {
				emit(b)
			}
		default:
			walk(a.Elem(), b.Elem(), path, chain, out)
		}
	case reflect.Struct:
		for _, f := range fieldsOf(t) {
			fa, fb := a.FieldByIndex(f.index), b.FieldByIndex(f.index)
			if f.inline {
				walk(fa, fb, path, chain, out)
				continue
			}
			oa, ob := f.omitEmpty && empty(fa), f.omitEmpty && empty(fb)
			p := append(path[:len(path):len(path)], f.name)
			switch {
			case oa && ob:
			case ob:
				*out = append(*out, change{path: p, chain: chain})
			case oa:
				*out = append(*out, change{path: p, after: fb, chain: append(chain[:len(chain):len(chain)], fb)})
			default:
				walk(fa, fb, p, append(chain[:len(chain):len(chain)], fb), out)
			}
		}
	case reflect.Map:
		if a.IsNil() != b.IsNil() {
			emit(b) // null against an object
			return
		}
		seen := map[string]bool{}
		var keys []string
		for _, m := range []reflect.Value{a, b} {
			for _, k := range m.MapKeys() {
				if !seen[k.String()] {
					seen[k.String()] = true
					keys = append(keys, k.String())
				}
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			va, vb := a.MapIndex(reflect.ValueOf(k).Convert(t.Key())), b.MapIndex(reflect.ValueOf(k).Convert(t.Key()))
			p := append(path[:len(path):len(path)], k)
			switch {
			case !vb.IsValid():
				*out = append(*out, change{path: p, chain: chain})
			case !va.IsValid():
				*out = append(*out, change{path: p, after: vb, chain: append(chain[:len(chain):len(chain)], vb)})
			default:
				walk(va, vb, p, append(chain[:len(chain):len(chain)], vb), out)
			}
		}
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && a.IsNil() != b.IsNil() {
			emit(b) // null against an array
			return
		}
		n := min(a.Len(), b.Len())
		for i := range n {
			vb := b.Index(i)
			walk(a.Index(i), vb, append(path[:len(path):len(path)], strconv.Itoa(i)), append(chain[:len(chain):len(chain)], vb), out)
		}
		for i := a.Len() - 1; i >= b.Len(); i-- { // from the end, so each index is still there
			*out = append(*out, change{path: append(path[:len(path):len(path)], strconv.Itoa(i)), chain: chain})
		}
		for i := a.Len(); i < b.Len(); i++ {
			vb := b.Index(i)
			*out = append(*out, change{path: append(path[:len(path):len(path)], strconv.Itoa(i)), after: vb, chain: append(chain[:len(chain):len(chain)], vb)})
		}
	default:
		if !sameLeaf(a, b) {
			emit(b)
		}
	}
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
	if reflect.DeepEqual(a.Interface(), b.Interface()) {
		return true
	}
	ja, erra := json.Marshal(a.Interface())
	jb, errb := json.Marshal(b.Interface())
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
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
