package engine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gomodules.xyz/jsonpatch/v2"

	"github.com/pave-dev/pave/internal/jsonquote"
)

// Patch is the JSON patch that turns raw, the object exactly as the user sent it,
// into the mutated object, holding nothing but what the mutators changed.
//
// A plain diff of raw against the re-encoded object (what controller-runtime's
// PatchResponseFromRaw does) would also remove every field pave's Go types do
// not know and rewrite values the types normalise (a quantity "0.5" to "500m").
// So the changes are found between the original and the mutated object, both
// typed (typedChanges: no encoding or decoding), only where the mutators
// may change anything (Scoped), and each becomes an operation on raw: an
// add of a member where raw has its object (add sets it whether raw has it
// or not), a replace of an element raw has, else an add of the smallest part
// of the mutated object that raw lacks. Only raw is read, and only along the
// changes' paths (rawDoc).
func (r *Result) Patch(raw []byte) ([]jsonpatch.Operation, error) {
	return r.patch(raw, true)
}

// PatchDecoded is Patch for raw that Original was decoded from, which the
// decode has read whole and so found valid JSON: checking it again was a
// twentieth of the mutating webhook's handler.
func (r *Result) PatchDecoded(raw []byte) ([]jsonpatch.Operation, error) {
	return r.patch(raw, false)
}

// patch is Patch; check says whether raw must be checked to be JSON before
// it is read along the changes' paths (rawDoc reads only those, and would
// read garbage as something).
func (r *Result) patch(raw []byte, check bool) ([]jsonpatch.Operation, error) {
	if r.Original == nil {
		return nil, fmt.Errorf("patch: the result came from RunInPlace and has no original")
	}
	// Nothing was completed (an oversized pod), or no mutator changed anything
	// (TestMutatorsChangeOnlyTheirScope holds them to reporting it).
	if r.Original == r.Mutated || len(r.Mutators) == 0 {
		return nil, nil
	}
	w := r.walkers.get()
	defer r.walkers.put(w) // the operations hold nothing of the changes
	changes := w.changes(reflect.ValueOf(r.Original.Object), reflect.ValueOf(r.Mutated.Object), r.scope)
	if len(changes) == 0 {
		return nil, nil
	}
	if check && !json.Valid(raw) {
		return nil, fmt.Errorf("%s %s is not valid JSON", r.Original.Kind, r.Original.Name())
	}
	ops, err := opsOn(newRawDoc(raw, &w.arena), changes, r.encodings, &w.scratch)
	if err != nil {
		return nil, fmt.Errorf("patch %s %s: %w", r.Original.Kind, r.Original.Name(), err)
	}
	return ops, nil
}

// opsOn turns changes into operations on doc, the raw object; scratch is
// lent to enc for its protobuf keys.
func opsOn(doc rawDoc, changes []change, enc *encodings, scratch *[]byte) ([]jsonpatch.Operation, error) {
	ops := make([]jsonpatch.Operation, 0, len(changes))
	var whole []string // pointers of subtrees added whole: changes inside them are in already
	for _, c := range changes {
		ptr := pointer(c.path)
		if covered(whole, ptr) {
			continue
		}
		n := len(c.path)
		var depth int
		var isContainer bool
		if c.after.IsValid() && n > 0 && member(c.chain[n-1]) {
			// A member of an object raw has is set by an add whether raw
			// has the member or not (RFC 6902 4.1), so raw is read down to
			// the object only: finding a member raw lacks meant reading the
			// whole object, every container's for its security context.
			if depth, isContainer = doc.existing(c.path[:n-1]); depth == n-1 && isContainer {
				js, err := enc.value(c.after, scratch)
				if err != nil {
					return nil, fmt.Errorf("encode %s: %w", ptr, err)
				}
				ops = append(ops, jsonpatch.Operation{Operation: "add", Path: ptr, Value: js})
				continue
			}
		} else {
			depth, isContainer = doc.existing(c.path)
		}
		if !c.after.IsValid() { // removed
			if depth == n {
				ops = append(ops, jsonpatch.Operation{Operation: "remove", Path: ptr})
			}
			continue
		}
		op, at := "replace", n
		switch {
		case depth == n:
		case !isContainer: // raw has null (or a scalar) where an object goes
			at = depth
		default: // raw lacks this part: add the smallest whole of it
			op, at = "add", depth+1
		}
		v, path := c.after, ptr
		if at < n {
			v, path = c.chain[at], pointer(c.path[:at])
			whole = append(whole, path)
		}
		js, err := enc.value(v, scratch)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", path, err)
		}
		ops = append(ops, jsonpatch.Operation{Operation: op, Path: path, Value: js})
	}
	return ops, nil
}

// member reports whether the children of parent, a value on a change's
// chain, are an object's members (a struct's fields or a map's keys), not
// a list's elements.
func member(parent reflect.Value) bool {
	for parent.Kind() == reflect.Pointer || parent.Kind() == reflect.Interface {
		if parent.IsNil() {
			return false
		}
		parent = parent.Elem()
	}
	return parent.Kind() == reflect.Struct || parent.Kind() == reflect.Map
}

// EncodePatch encodes ops as a JSON patch document. The values opsOn made are
// encoded JSON already and are written as they are: encoding them as
// json.RawMessage validates and re-formats each, which with the ops' slice was
// a tenth of a mutation.
func EncodePatch(ops []jsonpatch.Operation) ([]byte, error) { return AppendPatch(nil, ops) }

// AppendPatch is EncodePatch appending to b.
func AppendPatch(b []byte, ops []jsonpatch.Operation) ([]byte, error) {
	size := 2
	for _, op := range ops {
		size += len(`{"op":"replace","path":"","value":},`) + len(op.Path)
		switch v := op.Value.(type) {
		case json.RawMessage:
			size += len(v)
		case jsonList:
			size += v.size()
		}
	}
	b = slices.Grow(b, size)
	b = append(b, '[')
	for i, op := range ops {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"op":`...)
		b = strconv.AppendQuote(b, op.Operation)
		b = append(b, `,"path":`...)
		if jsonquote.Plain(op.Path) {
			b = append(append(append(b, '"'), op.Path...), '"')
		} else {
			path, err := json.Marshal(op.Path)
			if err != nil {
				return nil, fmt.Errorf("encode the path %q: %w", op.Path, err)
			}
			b = append(b, path...)
		}
		if op.Operation != "remove" {
			var err error
			if b, err = appendValue(append(b, `,"value":`...), op.Value); err != nil {
				return nil, fmt.Errorf("encode the value at %s: %w", op.Path, err)
			}
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendValue appends an operation's value: as it is when opsOn encoded it,
// through encoding/json otherwise.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case jsonList:
		return v.appendTo(b), nil
	case json.RawMessage:
		if len(v) > 0 {
			return append(b, v...), nil
		}
	}
	js, err := json.Marshal(v)
	return append(b, js...), err
}

// existing is how many leading segments of path doc has, and the value there.
func existing(doc any, path []string) (int, any) {
	cur := doc
	for i, tok := range path {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return i, cur
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(c) {
				return i, cur
			}
			cur = c[n]
		default:
			return i, cur
		}
	}
	return len(path), cur
}

// covered reports whether ptr is a subtree added whole or inside one.
func covered(whole []string, ptr string) bool {
	for _, w := range whole {
		if rest, ok := strings.CutPrefix(ptr, w); ok && (rest == "" || rest[0] == '/') {
			return true
		}
	}
	return false
}

// pointer is the RFC 6901 JSON pointer of a path.
// It is sized once and escapes only the keys that need it (labels' keys
// hold a "/"): growing it key by key, and scanning every key twice for
// the two escapes, was a twentieth of a /mutate.
func pointer(path []string) string {
	n := 0
	for _, p := range path {
		n += 1 + len(p)
		if escaped(p) {
			n += strings.Count(p, "~") + strings.Count(p, "/")
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range path {
		b.WriteByte('/')
		if !escaped(p) {
			b.WriteString(p)
			continue
		}
		for i := range len(p) {
			switch p[i] {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(p[i])
			}
		}
	}
	return b.String()
}

// escaped reports whether a key needs RFC 6901's escapes. Two byte searches:
// strings.ContainsAny builds its set of bytes at every call, and was two
// thirds of pointer's time.
func escaped(key string) bool {
	return strings.IndexByte(key, '/') >= 0 || strings.IndexByte(key, '~') >= 0
}

// diffKept diffs raw against after and keeps the operations at paths where
// before and after, encoded by the same types, differ.
func diffKept(raw, before, after []byte) ([]jsonpatch.Operation, error) {
	ops, err := jsonpatch.CreatePatch(raw, after)
	if err != nil {
		return nil, err
	}
	var b, a any
	if err := json.Unmarshal(before, &b); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(after, &a); err != nil {
		return nil, err
	}
	kept := ops[:0]
	for _, op := range ops {
		vb, okb := lookup(b, op.Path)
		va, oka := lookup(a, op.Path)
		if okb != oka || !reflect.DeepEqual(vb, va) {
			kept = append(kept, op)
		}
	}
	return kept, nil
}

// lookup resolves an RFC 6901 JSON pointer in a decoded JSON document.
func lookup(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	path := strings.Split(ptr[1:], "/")
	for i, tok := range path {
		path[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	if depth, v := existing(doc, path); depth == len(path) {
		return v, true
	}
	return nil, false
}
