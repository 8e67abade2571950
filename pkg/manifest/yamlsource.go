package manifest

import (
	"bytes"

	yamlv3 "go.yaml.in/yaml/v3"
)

// The source text behind a yaml.v3 node: where it starts, and whether a
// scalar reads the same to yaml.v2 (kubectl's parser) as it did to yaml.v3.

func lineStarts(raw []byte) []int {
	starts := make([]int, 1, bytes.Count(raw, []byte{'\n'})+1)
	for i, c := range raw {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offset is where a node starts in the source, if its position is in it.
func (w *jsonWriter) offset(n *yamlv3.Node) (int, bool) {
	if n.Line < 1 || n.Line > len(w.lines) {
		return 0, false
	}
	i := w.lines[n.Line-1] + n.Column - 1
	return i, i >= 0 && i < len(w.raw)
}

// at returns the source byte where a node starts, or 0.
func (w *jsonWriter) at(n *yamlv3.Node) byte {
	if i, ok := w.offset(n); ok {
		return w.raw[i]
	}
	return 0
}

// singleLine reports whether a flow scalar sits on one line of the source,
// written as yaml.v3 read it. Multi-line flow scalars are folded differently
// by yaml.v2 and yaml.v3, so they go to the full converter.
func (w *jsonWriter) singleLine(n *yamlv3.Node) bool {
	start, ok := w.offset(n)
	if !ok {
		return false
	}
	end := len(w.raw)
	if n.Line < len(w.lines) {
		end = w.lines[n.Line]
	}
	if start >= end {
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
	i, ok := w.offset(n)
	if (n.Style != 0 && !quoted) || !ok {
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
