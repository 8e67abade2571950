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
// A diff of the two re-encoded objects applies to the wrong document (the
// encoding adds empty structs such as resources: {}). So the patch is diffed
// against raw, and an operation is kept only where the original and the mutated
// object, both encoded by the same types, differ at its path.
func (r *Result) Patch(raw []byte) ([]jsonpatch.Operation, error) {
	if r.Original == nil {
		return nil, fmt.Errorf("patch: the result came from RunInPlace and has no original")
	}
	if r.Original == r.Mutated { // nothing was completed (an oversized pod)
		return nil, nil
	}
	before, err := r.Original.JSON()
	if err != nil {
		return nil, fmt.Errorf("encode original: %w", err)
	}
	after, err := r.Mutated.JSON()
	if err != nil {
		return nil, fmt.Errorf("encode mutated: %w", err)
	}
	ops, err := diffKept(raw, before, after)
	if err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", r.Original.Kind, r.Original.Name(), err)
	}
	return ops, nil
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
func lookup(doc any, pointer string) (any, bool) {
	if pointer == "" {
		return doc, true
	}
	cur := doc
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
