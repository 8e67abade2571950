package manifest

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
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

func lineStarts(raw []byte) []int {
	starts := make([]int, 1, bytes.Count(raw, []byte{'\n'})+1)
	for i, c := range raw {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// at returns the source byte where a node starts, or 0.
func (w *jsonWriter) at(n *yamlv3.Node) byte {
	if n.Line < 1 || n.Line > len(w.lines) {
		return 0
	}
	if i := w.lines[n.Line-1] + n.Column - 1; i >= 0 && i < len(w.raw) {
		return w.raw[i]
	}
	return 0
}

// singleLine reports whether a flow scalar sits on one line of the source,
// written as yaml.v3 read it. Multi-line flow scalars are folded differently
// by yaml.v2 and yaml.v3, so they go to the full converter.
func (w *jsonWriter) singleLine(n *yamlv3.Node) bool {
	if n.Line < 1 || n.Line > len(w.lines) {
		return false
	}
	start := w.lines[n.Line-1] + n.Column - 1
	end := len(w.raw)
	if n.Line < len(w.lines) {
		end = w.lines[n.Line]
	}
	if start < 0 || start >= end {
		return false
	}
	line := w.raw[start:end]
	switch {
	case n.Style&yamlv3.DoubleQuotedStyle != 0:
		for i := 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return true
			}
		}
		return false
	case n.Style&yamlv3.SingleQuotedStyle != 0:
		for i := 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return true
			}
		}
		return false
	case n.Style&(yamlv3.LiteralStyle|yamlv3.FoldedStyle) != 0:
		return true // block scalars fold the same in both
	}
	return bytes.HasPrefix(line, []byte(n.Value))
}

// foldsPlainly reports whether n is a plain or single-quoted scalar over
// several lines that folds only in the way yaml.v2 and yaml.v3 agree on:
// yaml.v3's value is the source with each line break and the next line's
// indent read as one space. It is how kubectl's YAML (sigs.k8s.io/yaml)
// wraps a long string at a space, such as a last-applied-configuration
// annotation with spaces in it, and one such string sent a whole document
// (a List of a whole namespace) to the full converter. Blank lines, tabs,
// carriage returns and spaces before a line break fold in ways the two
// parsers need not share; those still go to the full converter.
func (w *jsonWriter) foldsPlainly(n *yamlv3.Node) bool {
	quoted := n.Style == yamlv3.SingleQuotedStyle
	if (n.Style != 0 && !quoted) || n.Line < 1 || n.Line > len(w.lines) {
		return false
	}
	i := w.lines[n.Line-1] + n.Column - 1
	if i < 0 || i >= len(w.raw) {
		return false
	}
	if quoted {
		if w.raw[i] != '\'' {
			return false
		}
		i++
	}
	raw, v := w.raw, n.Value
	folds := 0
	for j := 0; j < len(v); j++ {
		switch {
		case i >= len(raw):
			return false
		case quoted && v[j] == '\'' && raw[i] == '\'' && i+1 < len(raw) && raw[i+1] == '\'':
			i += 2
		case v[j] != '\t' && v[j] != '\r' && v[j] != '\n' && raw[i] == v[j]:
			i++
		case v[j] == ' ' && raw[i] == '\n' && j > 0 && v[j-1] != ' ':
			i++
			for i < len(raw) && raw[i] == ' ' {
				i++
			}
			if i >= len(raw) || raw[i] == '\n' || raw[i] == '\t' || raw[i] == '\r' {
				return false // a blank line, or a tab in the indent
			}
			if quoted && raw[i] == '\'' && (i+1 >= len(raw) || raw[i+1] != '\'') {
				return false // the closing quote alone on its line
			}
			folds++
		default:
			return false
		}
	}
	return folds > 0 && (!quoted || (i < len(raw) && raw[i] == '\''))
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

// plainString reports whether a scalar is a string as sigs.k8s.io/yaml (YAML
// 1.1) resolves it. Quoted and block scalars always are. A plain scalar is when
// it starts with a letter, '/' or '_' and is none of the words YAML 1.1 reads as
// booleans or null, or when it starts with a digit and holds a character no
// YAML 1.1 number or timestamp has (256Mi, 100m, 30s). Everything else is left
// to sigs.k8s.io/yaml.
func plainString(n *yamlv3.Node) bool {
	if n.Style&(yamlv3.DoubleQuotedStyle|yamlv3.SingleQuotedStyle|yamlv3.LiteralStyle|yamlv3.FoldedStyle) != 0 {
		return true
	}
	v := n.Value
	if v == "" {
		return false // null
	}
	switch c := v[0]; {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_':
		switch v {
		case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
			"true", "True", "TRUE", "false", "False", "FALSE",
			"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL":
			return false
		}
		return true
	case c >= '0' && c <= '9':
		for i := 1; i < len(v); i++ {
			if !numeric(v[i]) {
				return true
			}
		}
	}
	return false
}

// scalarSafe reports whether a plain scalar reads the same on its own as inside
// its document, so sigs.k8s.io/yaml may resolve it alone: no character that
// could start structure, ':' only inside a number or time (12:30), and not a
// lone indicator (FuzzToJSON found `[0,-]` read as [0,[null]]).
func scalarSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.', c == '+', c == '-', c == '_', c == '~':
		case c == ':' && i+1 < len(v) && v[i+1] >= '0' && v[i+1] <= '9':
		default:
			return false
		}
	}
	// Alone, "-" is a sequence entry, and "---" or "..." a document marker.
	return v != "" && v != "-" && !strings.HasPrefix(v, "---") && !strings.HasPrefix(v, "...")
}

// numeric reports whether c can appear in a YAML 1.1 number or timestamp
// (hex digits, 0x/0o/0b prefixes, exponents, sexagesimal colons, dates, times).
func numeric(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		return true
	}
	switch c {
	case 'x', 'X', 'o', 'O', '_', '.', ':', '+', '-', 't', 'T', 'z', 'Z', ' ':
		return true
	}
	return false
}

// yaml11Word returns the JSON of a plain scalar that YAML 1.1 reads as a
// boolean or null, or "".
func yaml11Word(v string) string {
	switch v {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON":
		return "true"
	case "false", "False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF":
		return "false"
	case "", "~", "null", "Null", "NULL":
		return "null"
	}
	return ""
}

// decimalInt reports whether v is a plain decimal integer that fits in int64
// and has no leading zero (which YAML 1.1 reads as octal).
func decimalInt(v string) bool {
	s := v
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" || len(s) > 18 || (len(s) > 1 && s[0] == '0') || v[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// standardTag reports whether a resolved tag is one the fast path handles;
// the non-specific "!", custom tags, !!binary and !!timestamp are not.
func standardTag(tag string) bool {
	switch tag {
	case "", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq":
		return true
	}
	return false
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
				case "namespace":
					h.Metadata.Namespace = str(v.Content[j+1])
				}
			}
		}
	}
	return h, ok
}
