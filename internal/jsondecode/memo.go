package jsondecode

import (
	"hash/maphash"
	"sync"
)

// Memo remembers decoded values of type T by the exact JSON they were decoded
// from, up to maxBytes of JSON (the values take a few times that); when full
// it starts over, so hostile input costs a bounded amount of memory and a
// decode, never a wrong value. Each use gets a copy made by the memo's copy
// function: a deep copy where the caller may change what it decoded, and
// shared parts only where no caller changes them.
//
// A value is remembered the second time its bytes are decoded: remembering
// costs a copy, which a value seen once (a new Deployment's containers) would
// pay for nothing. The first time only a hash of the bytes is kept.
type Memo[T any] struct {
	mu       sync.Mutex
	vals     map[string]*T
	seen     map[uint64]struct{}
	seed     maphash.Seed
	size     int
	maxBytes int
	copyInto func(src, dst *T)
}

// NewMemo returns an empty memo. copyInto copies src into dst, deeply as the
// generated DeepCopyInto methods do ((*corev1.Container).DeepCopyInto) but
// for the parts no caller ever changes, which it may share.
func NewMemo[T any](maxBytes int, copyInto func(src, dst *T)) *Memo[T] {
	return &Memo[T]{vals: map[string]*T{}, seen: map[uint64]struct{}{}, seed: maphash.MakeSeed(), maxBytes: maxBytes, copyInto: copyInto}
}

// get copies the value remembered for raw into dst, if there is one.
func (m *Memo[T]) get(raw []byte, dst *T) bool {
	m.mu.Lock()
	src := m.vals[string(raw)]
	m.mu.Unlock()
	if src == nil {
		return false
	}
	m.copyInto(src, dst) // remembered values never change: no lock needed
	return true
}

// put notes that raw decoded to v, and remembers a copy of v if raw was seen
// before. A value larger than a sixteenth of the memo is not remembered: it
// would crowd out the rest.
func (m *Memo[T]) put(raw []byte, v *T) {
	if len(raw) > m.maxBytes/16 {
		return
	}
	h := maphash.Bytes(m.seed, raw)
	m.mu.Lock()
	if _, ok := m.seen[h]; !ok {
		if len(m.seen) >= m.maxBytes/64 { // a hash for every 64 bytes remembered
			clear(m.seen)
		}
		m.seen[h] = struct{}{}
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	c := new(T)
	m.copyInto(v, c)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.size+len(raw) > m.maxBytes {
		clear(m.vals)
		m.size = 0
	}
	if _, ok := m.vals[string(raw)]; !ok {
		m.size += len(raw)
	}
	m.vals[string(raw)] = c
}

// Len is the number of values remembered.
func (m *Memo[T]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.vals)
}
