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
// of a mutation's cost. raw must be valid JSON (Result.Patch checks it, and
// PatchDecoded's raw was decoded): gjson does not validate what it skips.
type rawDoc struct{ root *rawNode }

type rawNode struct {
	value gjson.Result
	// members are the object's members, read in one pass on the first look,
	// and searched in order: a mutation's changes look up several members
	// of the same objects (five of the pod spec's), and each gjson lookup of
	// a member the object lacks read the object to its end.
	members []rawMember
	// elems are an array's elements, read in one pass on the first look:
	// looking each up by its index would skip all those before it, every time.
	elems []rawNode
	read  bool
}

// rawMember is a member of an object as read: its value's JSON, parsed
// into a node when a change's path goes through it.
type rawMember struct {
	key, raw string
	node     *rawNode
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
		next := n.child(tok)
		if next == nil {
			return i, n.value.IsObject() || n.value.IsArray()
		}
		n = next
	}
	return len(path), n.value.IsObject() || n.value.IsArray()
}

// child is the part of n under tok, an object's key or an array's index,
// or nil where raw has none.
func (n *rawNode) child(tok string) *rawNode {
	switch {
	case n.value.IsArray():
		if !n.read {
			items := n.value.Array()
			n.elems = make([]rawNode, len(items))
			for i, v := range items {
				n.elems[i].value = v
			}
			n.read = true
		}
		if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.elems) {
			return &n.elems[i]
		}
	case n.value.IsObject():
		if !n.read {
			n.value.ForEach(func(k, v gjson.Result) bool {
				n.members = append(n.members, rawMember{key: k.Str, raw: v.Raw})
				return true
			})
			n.read = true
		}
		// The last of a repeated member is the one decoders keep (pave's
		// own, and the API server's when it applies the patch).
		for i := len(n.members) - 1; i >= 0; i-- {
			if m := &n.members[i]; m.key == tok {
				if m.node == nil {
					m.node = &rawNode{value: gjson.Parse(m.raw)}
				}
				return m.node
			}
		}
	}
	return nil
}
