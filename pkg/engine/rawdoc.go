package engine

import (
	"strconv"
	"unsafe"

	"github.com/tidwall/gjson"
)

// rawDoc answers, for the paths of a mutation's changes, how much of each the
// raw object has. It reads raw along those paths only (gjson skips the rest
// without building it) and remembers each part it found, so a prefix shared by
// several changes is read once. Decoding the whole object instead was a fifth
// of a mutation's cost. raw must be valid JSON (Result.Patch checks): gjson
// does not validate what it skips.
type rawDoc struct{ root *rawNode }

type rawNode struct {
	value gjson.Result
	kids  map[string]*rawNode
	// items are an array's elements, read in one pass: looking each up by
	// its index would skip all those before it, every time.
	items []gjson.Result
}

// newRawDoc reads raw in place: gjson.ParseBytes would copy it into a
// string first, the size of the object on every mutation. raw must not
// change while the rawDoc is used (Result.Patch holds both).
func newRawDoc(raw []byte) *rawDoc {
	if len(raw) == 0 {
		return &rawDoc{root: &rawNode{}}
	}
	return &rawDoc{root: &rawNode{value: gjson.Parse(unsafe.String(&raw[0], len(raw)))}}
}

// existing is how many leading segments of path raw has, and whether the
// value there is an object or an array.
func (d *rawDoc) existing(path []string) (depth int, container bool) {
	n := d.root
	for i, tok := range path {
		next, ok := n.kids[tok]
		if !ok {
			var v gjson.Result
			switch {
			case n.value.IsArray():
				if n.items == nil {
					n.items = n.value.Array()
				}
				if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.items) {
					v = n.items[i]
				}
			case n.value.IsObject():
				v = n.value.Get(gjson.Escape(tok))
			}
			if !v.Exists() {
				return i, n.value.IsObject() || n.value.IsArray()
			}
			if n.kids == nil {
				n.kids = map[string]*rawNode{}
			}
			next = &rawNode{value: v}
			n.kids[tok] = next
		}
		n = next
	}
	return len(path), n.value.IsObject() || n.value.IsArray()
}
