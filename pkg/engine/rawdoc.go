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
type rawDoc struct {
	root  *rawNode
	arena *rawArena
}

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

// rawArena holds the nodes and members of a rawDoc, and is lent from one
// patch to the next with its walker: allocating them node by node was a
// twentieth of the bytes a /mutate allocated. Each is appended to the end of
// nodes or members and handed out as a capped slice of it or a pointer into
// it; when an append moves the slice, what was handed out stays where it
// was, and is still the caller's until reset.
type rawArena struct {
	nodes   []rawNode
	members []rawMember
}

// maxArena bounds the nodes and members an arena keeps for the next patch,
// in each of its slices: a pod of a thousand containers would otherwise
// leave its nodes in the pool.
const maxArena = 1024

// node is a new node holding value.
func (a *rawArena) node(value gjson.Result) *rawNode {
	a.nodes = append(a.nodes, rawNode{value: value})
	return &a.nodes[len(a.nodes)-1]
}

// reset forgets every node and member, which point into the raw object
// read: the arena must not keep it alive, nor hand it to the next patch.
func (a *rawArena) reset() {
	clear(a.nodes)
	clear(a.members)
	a.nodes, a.members = a.nodes[:0], a.members[:0]
	if cap(a.nodes) > maxArena {
		a.nodes = nil
	}
	if cap(a.members) > maxArena {
		a.members = nil
	}
}

// newRawDoc reads raw in place: gjson.ParseBytes would copy it into a
// string first, the size of the object on every mutation. raw must not
// change while the rawDoc is used (Result.Patch holds both), and the arena
// is the rawDoc's until it is reset.
func newRawDoc(raw []byte, arena *rawArena) rawDoc {
	var root gjson.Result
	if len(raw) > 0 {
		root = gjson.Parse(unsafe.String(&raw[0], len(raw)))
	}
	return rawDoc{root: arena.node(root), arena: arena}
}

// existing is how many leading segments of path raw has, and whether the
// value there is an object or an array.
func (d rawDoc) existing(path []string) (depth int, container bool) {
	n := d.root
	for i, tok := range path {
		next := n.child(tok, d.arena)
		if next == nil {
			return i, n.value.IsObject() || n.value.IsArray()
		}
		n = next
	}
	return len(path), n.value.IsObject() || n.value.IsArray()
}

// child is the part of n under tok, an object's key or an array's index,
// or nil where raw has none. Its nodes come from a.
func (n *rawNode) child(tok string, a *rawArena) *rawNode {
	switch {
	case n.value.IsArray():
		if !n.read {
			start := len(a.nodes)
			n.value.ForEach(func(_, v gjson.Result) bool {
				a.nodes = append(a.nodes, rawNode{value: v})
				return true
			})
			n.elems = a.nodes[start:len(a.nodes):len(a.nodes)]
			n.read = true
		}
		if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.elems) {
			return &n.elems[i]
		}
	case n.value.IsObject():
		if !n.read {
			start := len(a.members)
			n.value.ForEach(func(k, v gjson.Result) bool {
				a.members = append(a.members, rawMember{key: k.Str, raw: v.Raw})
				return true
			})
			n.members = a.members[start:len(a.members):len(a.members)]
			n.read = true
		}
		// The last of a repeated member is the one decoders keep (pave's
		// own, and the API server's when it applies the patch).
		for i := len(n.members) - 1; i >= 0; i-- {
			if m := &n.members[i]; m.key == tok {
				if m.node == nil {
					m.node = a.node(gjson.Parse(m.raw))
				}
				return m.node
			}
		}
	}
	return nil
}
