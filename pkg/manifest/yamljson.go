package manifest

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// toJSON converts one YAML document to JSON with exactly the semantics of
// sigs.k8s.io/yaml (what kubectl uses: YAML 1.1 scalars, so `yes` and `n` are
// booleans), about a third faster on typical manifests, and returns the header
// fields on the way. Why it exists: YAML decoding is most of `pave check`'s
// time (docs/decisions.md). It walks a yaml.v3 node tree and writes JSON
// directly, and hands anything it cannot settle cheaply to sigs.k8s.io/yaml:
// a scalar that is not plainly a string or a decimal integer is converted by
// sigs.k8s.io/yaml alone, and a document with anchors, aliases, merge keys or
// explicit tags is converted whole by it. TestToJSONMatchesSigsYAML and
// FuzzToJSON hold the two to the same output.
func toJSON(raw []byte) ([]byte, header, error) {
	if bytes.IndexByte(raw, '!') >= 0 {
		return slow(raw) // a tag, possibly one yaml.v3 drops silently ("!" alone)
	}
	if tabIndented(raw) {
		// yaml.v2 refuses a tab in a line's indent before a comment where
		// yaml.v3 takes it for indent; YAML indents with spaces, so such a
		// document is rare and may be refused.
		return slow(raw)
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(raw, &root); err != nil {
		return slow(raw)
	}
	if len(root.Content) == 0 {
		return slow(raw) // empty, or only a tag: rare, let the full converter say
	}
	doc := root.Content[0]
	if doc.Kind != yamlv3.MappingNode || doc.Style != 0 {
		return slow(raw) // Kubernetes objects are block mappings; leave the rest to the full converter
	}
	w := jsonWriter{buf: make([]byte, 0, len(raw)+len(raw)/2), raw: raw, lines: lineStarts(raw)}
	if err := w.node(doc); err != nil {
		return slow(raw)
	}
	fromNodes, ok := headerOf(doc)
	if ok {
		return w.buf, fromNodes, nil
	}
	h, err := decodeHeader(w.buf) // read off the nodes, a field would not be what kubectl reads
	h.itemLines = fromNodes.itemLines
	return w.buf, h, err
}

// tabIndented reports whether a line of raw has a tab among the spaces it
// starts with. Lines break where yaml.v2, kubectl's parser, breaks them: at
// a carriage return too, and at NEL, LS and PS (a tab behind " \r" starts
// a line).
func tabIndented(raw []byte) bool {
	if bytes.IndexByte(raw, '\t') < 0 {
		return false // the common case: no tab at all
	}
	indent := true // in the spaces a line starts with
	for i := 0; i < len(raw); {
		if n := lineBreak(raw[i:]); n > 0 {
			indent = true
			i += n
			continue
		}
		switch {
		case indent && raw[i] == '\t':
			return true
		case raw[i] != ' ':
			indent = false
		}
		i++
	}
	return false
}

// lineBreak is the length of the YAML line break b starts with, or 0.
func lineBreak(b []byte) int {
	if b[0] == '\n' || b[0] == '\r' {
		return 1
	}
	for _, br := range []string{"\u0085", "\u2028", "\u2029"} {
		if bytes.HasPrefix(b, []byte(br)) {
			return len(br)
		}
	}
	return 0
}

var errSlow = errors.New("needs the full converter")

// slow converts with sigs.k8s.io/yaml and decodes the header from its output.
func slow(raw []byte) ([]byte, header, error) {
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, header{}, err
	}
	h, err := decodeHeader(js)
	return js, h, err
}

type jsonWriter struct {
	buf   []byte
	raw   []byte
	lines []int // byte offset of each line's start
}

func (w *jsonWriter) node(n *yamlv3.Node) error {
	if n.Anchor != "" || n.Style&yamlv3.TaggedStyle != 0 || !standardTag(n.Tag) {
		return errSlow
	}
	switch n.Kind {
	case yamlv3.MappingNode:
		w.buf = append(w.buf, '{')
		for i := 0; i < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			for j := 0; j < i; j += 2 {
				if n.Content[j].Value == k.Value {
					return errSlow // a duplicate key: the full converter decides
				}
			}
			if k.Kind != yamlv3.ScalarNode || k.Anchor != "" || k.Style&yamlv3.TaggedStyle != 0 || k.Value == "<<" {
				return errSlow
			}
			if !plainString(k) || !w.singleLine(k) {
				return errSlow // a key such as `yes:` or `1:` becomes "true" or "1" there
			}
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.str(k.Value)
			w.buf = append(w.buf, ':')
			if err := w.node(v); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, '}')
	case yamlv3.SequenceNode:
		w.buf = append(w.buf, '[')
		for i, c := range n.Content {
			if n.Style&yamlv3.FlowStyle != 0 && c.Kind == yamlv3.MappingNode && w.at(c) != '{' {
				return errSlow // [a: b] without braces: yaml.v2 and v3 disagree on what it is
			}
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			if err := w.node(c); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, ']')
	case yamlv3.ScalarNode:
		return w.scalar(n)
	case yamlv3.AliasNode:
		return errSlow
	default: // aliases and anything else
		return errSlow
	}
	return nil
}

func (w *jsonWriter) scalar(n *yamlv3.Node) error {
	if !w.singleLine(n) && !w.foldsPlainly(n) {
		return errSlow
	}
	switch {
	case plainString(n):
		w.str(n.Value)
	case decimalInt(n.Value):
		w.buf = append(w.buf, n.Value...)
	case n.Style == 0 && yaml11Word(n.Value) != "":
		w.buf = append(w.buf, yaml11Word(n.Value)...)
	case !scalarSafe(n.Value):
		return errSlow
	default:
		js, err := yaml.YAMLToJSON([]byte(n.Value))
		if err != nil {
			return err
		}
		w.buf = append(w.buf, js...)
	}
	return nil
}

// str appends a JSON string.
func (w *jsonWriter) str(s string) {
	w.buf = append(w.buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			w.buf = append(w.buf, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				w.buf = append(w.buf, '\\', c)
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case '\t':
				w.buf = append(w.buf, '\\', 't')
			default:
				w.buf = append(w.buf, `\u00`...)
				w.buf = append(w.buf, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.buf = append(w.buf, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			w.buf = append(w.buf, `\u`...)
			w.buf = strconv.AppendInt(w.buf, int64(r), 16)
		} else {
			w.buf = append(w.buf, s[i:i+size]...)
		}
		i += size
	}
	w.buf = append(w.buf, '"')
}

// headerOf reads apiVersion, kind, name and namespace straight off the node
// tree; ok is false where one is not plainly a string, for the JSON to say.
func headerOf(doc *yamlv3.Node) (h header, ok bool) {
	if doc.Kind != yamlv3.MappingNode {
		h.notMapping = true
		return h, true
	}
	ok = true
	str := func(n *yamlv3.Node) string {
		if n.Kind != yamlv3.ScalarNode || !plainString(n) {
			ok = false // a number, a boolean, null or no scalar: the JSON says
		}
		return n.Value
	}
	for i := 0; i < len(doc.Content); i += 2 {
		k, v := doc.Content[i].Value, doc.Content[i+1]
		switch k {
		case "apiVersion":
			h.APIVersion = str(v)
		case "kind":
			h.Kind = str(v)
		case "items":
			h.itemsKey = true
			h.hasItems = v.Kind == yamlv3.SequenceNode
			if h.hasItems {
				h.itemLines = make([]int, len(v.Content))
				for i, item := range v.Content {
					h.itemLines[i] = item.Line
				}
			}
		case "metadata":
			if v.Kind != yamlv3.MappingNode {
				ok = false
				continue
			}
			for j := 0; j < len(v.Content); j += 2 {
				switch v.Content[j].Value {
				case "name":
					h.Metadata.Name = str(v.Content[j+1])
				case "generateName":
					h.Metadata.GenerateName = str(v.Content[j+1])
				case "namespace":
					h.Metadata.Namespace = str(v.Content[j+1])
				}
			}
		}
	}
	return h, ok
}
