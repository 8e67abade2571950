package engine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gomodules.xyz/jsonpatch/v2"
)

// Patch is the JSON patch that turns raw, the object exactly as the user sent it,
// into the mutated object, holding nothing but what the mutators changed.
//
// A plain diff of raw against the re-encoded object (what controller-runtime's
// PatchResponseFromRaw does) would also remove every field pave's Go types do
// not know and rewrite values the types normalise (a quantity "0.5" to "500m").
// So the changes are found between the original and the mutated object, both
// typed (typedChanges: no encoding or decoding), and each becomes an
// operation on raw: a replace where raw has the field, else an add of the
// smallest part of the mutated object that raw lacks. Only raw is decoded,
// and only when something changed.
func (r *Result) Patch(raw []byte) ([]jsonpatch.Operation, error) {
	if r.Original == nil {
		return nil, fmt.Errorf("patch: the result came from RunInPlace and has no original")
	}
	if r.Original == r.Mutated { // nothing was completed (an oversized pod)
		return nil, nil
	}
	changes := typedChanges(reflect.ValueOf(r.Original.Object), reflect.ValueOf(r.Mutated.Object))
	if len(changes) == 0 {
		return nil, nil
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", r.Original.Kind, r.Original.Name(), err)
	}
	ops, err := opsOn(doc, changes)
	if err != nil {
		return nil, fmt.Errorf("patch %s %s: %w", r.Original.Kind, r.Original.Name(), err)
	}
	return ops, nil
}

// opsOn turns changes into operations on doc, the decoded raw object.
func opsOn(doc any, changes []change) ([]jsonpatch.Operation, error) {
	var ops []jsonpatch.Operation
	whole := map[string]bool{} // subtrees added whole: changes inside them are in already
	for _, c := range changes {
		if covered(whole, c.path) {
			continue
		}
		depth, node := existing(doc, c.path)
		if !c.after.IsValid() { // removed
			if depth == len(c.path) {
				ops = append(ops, jsonpatch.Operation{Operation: "remove", Path: pointer(c.path)})
			}
			continue
		}
		op, at := "replace", len(c.path)
		switch {
		case depth == len(c.path):
		case !container(node): // raw has null (or a scalar) where an object goes
			at = depth
		default: // raw lacks this part: add the smallest whole of it
			op, at = "add", depth+1
		}
		v := c.after
		if at < len(c.path) {
			v = c.chain[at]
			whole[pointer(c.path[:at])] = true
		}
		js, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", pointer(c.path[:at]), err)
		}
		ops = append(ops, jsonpatch.Operation{Operation: op, Path: pointer(c.path[:at]), Value: json.RawMessage(js)})
	}
	return ops, nil
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

func container(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// covered reports whether an ancestor of path was added whole.
func covered(whole map[string]bool, path []string) bool {
	for i := 1; i <= len(path) && len(whole) > 0; i++ {
		if whole[pointer(path[:i])] {
			return true
		}
	}
	return false
}

// pointer is the RFC 6901 JSON pointer of a path.
func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1"))
	}
	return b.String()
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
