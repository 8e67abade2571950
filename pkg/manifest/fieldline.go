package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// Text is the document objects were read from: a List's items share it.
type Text struct {
	raw       []byte
	firstLine int // the file's line of raw's first
	json      bool
}

// Text is the document o was read from, or nil.
func (o Object) Text() *Text { return o.text }

// Lines finds the lines of fields of the objects of one document, which it
// parsed once.
type Lines struct {
	root      *yamlv3.Node
	firstLine int
}

// Lines parses t for Lines.Of; nil where t is nil or does not parse (JSON
// that YAML refuses, a tab in its indentation), whose fields are at their
// objects' lines.
func (t *Text) Lines() *Lines {
	if t == nil {
		return nil
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(t.raw, &root); err != nil || len(root.Content) == 0 {
		return nil
	}
	return &Lines{root: root.Content[0], firstLine: t.firstLine}
}

// FieldLine is the line of the input that writes field of the object, a
// path as findings and decoding errors name it:
// spec.template.spec.containers[0].image, metadata.labels[pave.dev/zone], or
// encoding/json's spec.template.spec.containers.0.env.0.value. Where the
// object does not write the whole path (a finding of a field left out), it
// is the line of the deepest part it writes, so an editor or a code scanning
// annotation lands on the container or the block the field belongs in; the
// object's own line where it writes none. The document is parsed again,
// which only findings and errors ask for: for many objects of one document
// (a List's items), parse it once with Text.Lines.
func (o Object) FieldLine(field string) int { return o.text.Lines().Of(o, field) }

// Of is FieldLine of o, an object of the document l was parsed from.
func (l *Lines) Of(o Object, field string) int {
	if l == nil || field == "" {
		return o.Line
	}
	n := l.root
	if o.item > 0 {
		if n = valueOf(n, "items"); n == nil {
			return o.Line
		}
		if n = element(n, o.item-1); n == nil {
			return o.Line
		}
	}
	line := n.Line
	segments := fieldSegments(field)
	for i := 0; i < len(segments); {
		next, keyLine, used := step(n, segments[i:])
		if next == nil {
			break
		}
		n, line = next, keyLine
		i += used
	}
	return l.firstLine - 1 + line
}

// segment is one step of a field path: a key or an index written after a
// dot (which a key holding dots may continue), or a bracket's literal.
type segment struct {
	name    string
	bracket bool
}

// fieldSegments cuts a field path at its dots and brackets; a bracket's
// contents are one segment, dots and all.
func fieldSegments(field string) []segment {
	var out []segment
	for field != "" {
		switch {
		case field[0] == '.':
			field = field[1:]
		case field[0] == '[':
			end := strings.IndexByte(field, ']')
			if end < 0 {
				return append(out, segment{name: field[1:], bracket: true})
			}
			out = append(out, segment{name: field[1:end], bracket: true})
			field = field[end+1:]
		default:
			end := strings.IndexAny(field, ".[")
			if end < 0 {
				end = len(field)
			}
			out = append(out, segment{name: field[:end]})
			field = field[end:]
		}
	}
	return out
}

// step goes from n into the node the first of segments names, and says the
// line that writes it (a key's, an element's) and how many segments it took:
// more than one where a key holds dots (example.com/owner, cut at its dots
// by encoding/json's path).
func step(n *yamlv3.Node, segments []segment) (next *yamlv3.Node, line, used int) {
	n = resolved(n)
	switch n.Kind {
	case yamlv3.SequenceNode:
		i, err := strconv.Atoi(segments[0].name)
		if e := element(n, i); err == nil && e != nil {
			return e, e.Line, 1
		}
	case yamlv3.MappingNode:
		name := segments[0].name
		for k := 1; k <= len(segments); k++ {
			if k > 1 {
				if segments[k-1].bracket {
					break
				}
				name += "." + segments[k-1].name
			}
			if key, value := entry(n, name); key != nil {
				return value, key.Line, k
			}
		}
	}
	return nil, 0, 0
}

// valueOf is the value of key in mapping n, or nil.
func valueOf(n *yamlv3.Node, key string) *yamlv3.Node {
	if n = resolved(n); n.Kind != yamlv3.MappingNode {
		return nil
	}
	_, v := entry(n, key)
	return v
}

// entry is the key and value of name in mapping n: the last one written, as
// kubectl keeps the last of a repeated key, then one a merge key (<<) brings.
func entry(n *yamlv3.Node, name string) (key, value *yamlv3.Node) {
	for i := len(n.Content) - 2; i >= 0; i -= 2 {
		if k := n.Content[i]; k.Kind == yamlv3.ScalarNode && k.Value == name && k.Tag != "!!merge" {
			return k, n.Content[i+1]
		}
	}
	for i := len(n.Content) - 2; i >= 0; i -= 2 {
		if n.Content[i].Tag != "!!merge" {
			continue
		}
		merged := resolved(n.Content[i+1])
		sources := []*yamlv3.Node{merged}
		if merged.Kind == yamlv3.SequenceNode {
			sources = merged.Content
		}
		for _, s := range sources {
			if s = resolved(s); s.Kind == yamlv3.MappingNode {
				if k, v := entry(s, name); k != nil {
					return k, v
				}
			}
		}
	}
	return nil, nil
}

// element is the ith element of sequence n, or nil.
func element(n *yamlv3.Node, i int) *yamlv3.Node {
	if n = resolved(n); n.Kind != yamlv3.SequenceNode || i < 0 || i >= len(n.Content) {
		return nil
	}
	return n.Content[i]
}

// resolved is n, or the node an alias names.
func resolved(n *yamlv3.Node) *yamlv3.Node {
	for n.Kind == yamlv3.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// Located is err, which o could not be read or checked for, as an input
// error at the line of the field it names where it names one (a value of
// the wrong type), saying what to do where YAML read a word as a boolean or
// a number and the field takes a string: kubectl reads YAML 1.1, where an
// unquoted yes, no, on, off, y or n is a boolean too. JSON says what it
// means, and gets no such advice.
func (o Object) Located(err error) error {
	typed, ok := errors.AsType[*json.UnmarshalTypeError](err)
	if !ok || typed.Field == "" {
		return &Error{Source: o.Source, Line: o.Line, Err: err}
	}
	if hint := o.typeHint(typed); hint != "" {
		err = fmt.Errorf("%w (%s)", err, hint)
	}
	return &Error{Source: o.Source, Line: o.FieldLine(typed.Field), Err: err}
}

// typeHint is what to do with e, a value of the wrong type, or "".
func (o Object) typeHint(e *json.UnmarshalTypeError) string {
	if o.text == nil || o.text.json || e.Type == nil || e.Type.Kind() != reflect.String {
		return ""
	}
	switch e.Value {
	case "bool":
		return `YAML reads an unquoted true, false, yes, no, on, off, y or n as a boolean: quote the value, e.g. "yes"`
	case "number":
		return `YAML reads an unquoted number as a number: quote the value, e.g. "8080"`
	}
	return ""
}
