package engine

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"reflect"
	"sync"
)

// encodings remembers the encodings of the large values mutations add whole:
// the mesh's sidecar and its volumes are the same in every meshed pod of a
// policy, and encoding them for each patch was a fifth of a mutation.
//
// A value is found by reflect.DeepEqual, and equal values encode alike. What
// is kept is not the mutated object's value (the caller may change it later)
// but a copy decoded from the encoding, kept only when it encodes back to the
// same bytes: a hit is then exactly what encoding the value would give. A
// value is kept the second time its encoding is seen, so a value unique to
// one object costs a hash, not the copy.
type encodings struct {
	mu      sync.Mutex
	entries []encoded // the most recently used first
	seen    [encodingsKept]uint64
	next    int
	seed    maphash.Seed
}

type encoded struct {
	value any
	json  []byte
}

const (
	// encodingsKept is how many values are remembered; a policy adds few.
	encodingsKept = 8
	// encodingsMin is the size below which a value is encoded every time:
	// comparing costs about as much as encoding it.
	encodingsMin = 256
)

// encode returns the JSON of v, from memory when an equal value was encoded
// before. A nil memo encodes.
func (m *encodings) encode(v reflect.Value) ([]byte, error) {
	if m == nil || !remembered(v.Type()) {
		return json.Marshal(v.Interface())
	}
	val := v.Interface()
	m.mu.Lock()
	for i, e := range m.entries {
		if reflect.TypeOf(e.value) == v.Type() && reflect.DeepEqual(e.value, val) {
			copy(m.entries[1:i+1], m.entries[:i])
			m.entries[0] = e
			m.mu.Unlock()
			return e.json, nil
		}
	}
	m.mu.Unlock()
	js, err := json.Marshal(val)
	if err != nil || len(js) < encodingsMin || !m.seenBefore(js) {
		return js, err
	}
	js = js[:len(js):len(js)] // shared from now on: an append must copy
	kept := reflect.New(v.Type())
	if json.Unmarshal(js, kept.Interface()) != nil {
		return js, nil
	}
	if again, err := json.Marshal(kept.Elem().Interface()); err != nil || !bytes.Equal(again, js) {
		return js, nil
	}
	m.mu.Lock()
	if len(m.entries) < encodingsKept {
		m.entries = append(m.entries, encoded{})
	}
	copy(m.entries[1:], m.entries[:len(m.entries)-1])
	m.entries[0] = encoded{value: kept.Elem().Interface(), json: js}
	m.mu.Unlock()
	return js, nil
}

// seenBefore reports whether js was among the last encodings seen, and
// notes it.
func (m *encodings) seenBefore(js []byte) bool {
	h := maphash.Bytes(m.seed, js)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.seen {
		if s == h {
			return true
		}
	}
	m.seen[m.next] = h
	m.next = (m.next + 1) % len(m.seen)
	return false
}

func newEncodings() *encodings { return &encodings{seed: maphash.MakeSeed()} }

// remembered reports whether values of t are worth remembering: structs and
// slices, which can be large; maps and scalars change from pod to pod.
func remembered(t reflect.Type) bool {
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct
}
