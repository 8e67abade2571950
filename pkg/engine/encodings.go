package engine

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/pave-dev/pave/internal/jsonquote"
	"github.com/pave-dev/pave/pkg/workload"
)

// rememberedEncodings bounds an engine's encodings memo, in bytes of
// protobuf keys and JSON values: the proxy, its volumes and the security
// contexts take a tenth of it.
const rememberedEncodings = 64 << 10

// encodings remembers the JSON encodings of API values by their protobuf
// encodings. The values a mutation adds whole are mostly the same from one
// request to the next (the mesh proxy and its volumes, the policy's security
// contexts), and encoding them with encoding/json's reflection was a quarter
// of the admission server's time under /mutate load. The API types'
// generated protobuf code encodes the same value several times faster, and
// equal protobuf encodings are equal values (workload.ProtoMessage). The one
// difference it does not see, a nil against an empty list in a field without
// omitempty (null or []), is one the API server's protobuf storage does not
// keep either. When full it starts over.
type encodings struct {
	mu   sync.Mutex
	m    map[encodingKey][]byte
	size int
	max  int
}

// encodingKey is a value's type and protobuf encoding: two types may encode
// to the same bytes.
type encodingKey struct {
	t     reflect.Type
	proto string
}

func newEncodings(max int) *encodings { return &encodings{m: map[encodingKey][]byte{}, max: max} }

var protoMessageType = reflect.TypeFor[workload.ProtoMessage]()

// encode is json.Marshal(v.Interface()), remembered for an API value, or a
// slice of them, that has a protobuf encoding. A nil memo remembers nothing.
// The bytes may be the memo's: the caller must not change them.
func (e *encodings) encode(v reflect.Value) ([]byte, error) {
	js, err := e.value(v, new([]byte))
	if list, ok := js.(jsonList); ok {
		return list.appendTo(nil), err
	}
	raw, _ := js.(json.RawMessage)
	return raw, err
}

// value is encode's JSON as a patch's value: a json.RawMessage, or for a
// slice of API values a jsonList of its elements' encodings, which
// AppendPatch writes without joining them first. The protobuf keys are
// written into *scratch, which the caller lends from patch to patch.
func (e *encodings) value(v reflect.Value, scratch *[]byte) (any, error) {
	if js, ok := plainJSON(v); ok {
		return json.RawMessage(js), nil
	}
	switch {
	case e == nil:
	case v.Kind() == reflect.Slice && v.Len() > 0 && reflect.PointerTo(v.Type().Elem()).Implements(protoMessageType):
		// A slice is its elements' encodings between brackets; an element
		// of a slice is addressable, so it encodes as it would inside it.
		list := make(jsonList, v.Len())
		for i := range list {
			var err error
			if list[i], err = e.one(v.Index(i).Addr(), scratch); err != nil {
				return nil, err
			}
		}
		return list, nil
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Type().Implements(protoMessageType):
		return rawJSON(e.one(v, scratch))
	case v.Kind() == reflect.Struct && v.CanAddr() && v.Addr().Type().Implements(protoMessageType):
		return rawJSON(e.one(v.Addr(), scratch))
	}
	return rawJSON(json.Marshal(v.Interface()))
}

// rawJSON is an encoding as a patch's value.
func rawJSON(js []byte, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return json.RawMessage(js), nil
}

// jsonList is a JSON array held as its elements' encodings (the memo's,
// not to be changed). Joining them into one buffer copied the proxy and
// its volumes, 2.6 KB a /mutate, only for AppendPatch to copy them again.
type jsonList [][]byte

// MarshalJSON implements json.Marshaler, for whoever encodes the operations
// otherwise than AppendPatch.
func (l jsonList) MarshalJSON() ([]byte, error) { return l.appendTo(nil), nil }

// size is the length of the array's encoding.
func (l jsonList) size() int {
	n := max(len(l)+1, 2) // brackets and commas
	for _, js := range l {
		n += len(js)
	}
	return n
}

func (l jsonList) appendTo(b []byte) []byte {
	b = slices.Grow(b, l.size())
	b = append(b, '[')
	for i, js := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, js...)
	}
	return append(b, ']')
}

// one encodes what p, a pointer to an API value, points to. The protobuf
// key is written into *scratch, reused from call to call.
func (e *encodings) one(p reflect.Value, scratch *[]byte) ([]byte, error) {
	buf, err := workload.EncodeInto(p.Interface().(workload.ProtoMessage), scratch)
	if err != nil {
		return json.Marshal(p.Interface())
	}
	e.mu.Lock()
	js, ok := e.m[encodingKey{p.Type(), string(buf)}]
	e.mu.Unlock()
	if ok {
		return js, nil
	}
	if js, err = json.Marshal(p.Interface()); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.size+len(buf)+len(js) > e.max {
		clear(e.m)
		e.size = 0
	}
	key := encodingKey{p.Type(), string(buf)}
	if _, dup := e.m[key]; !dup {
		e.size += len(buf) + len(js)
	}
	e.m[key] = js
	return js, nil
}

// plainJSON is the JSON of v, as json.Marshal writes it, for the
// small values a patch sets most (a label, an annotation, a flag, pods'
// annotations added whole), when v is a string, bool or integer, a pointer
// to one, or a map[string]string, that encodes itself by no method of its
// own and holds plain strings only: encoding/json's reflection for them
// was a third of encoding a mutation's values.
func plainJSON(v reflect.Value) ([]byte, bool) {
	if v.Kind() == reflect.Pointer && !v.IsNil() && !leaf(v.Type()) {
		v = v.Elem()
	}
	if leaf(v.Type()) {
		return nil, false
	}
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); jsonquote.Plain(s) {
			return append(append(append(make([]byte, 0, len(s)+2), '"'), s...), '"'), true
		}
	case reflect.Bool:
		return strconv.AppendBool(nil, v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(nil, v.Int(), 10), true
	case reflect.Map:
		m, ok := v.Interface().(map[string]string)
		if !ok || m == nil {
			return nil, false
		}
		keys := make([]string, 0, len(m))
		for k, val := range m {
			if !jsonquote.Plain(k) || !jsonquote.Plain(val) {
				return nil, false
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b := []byte{'{'}
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(append(b, '"'), k...), `":"`...)
			b = append(append(b, m[k]...), '"')
		}
		return append(b, '}'), true
	}
	return nil, false
}
