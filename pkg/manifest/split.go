// Package manifest reads multi-document YAML streams (files, directories, stdin)
// into Kubernetes objects that remember the file and line they came from.
package manifest

import (
	"bytes"
)

// Document is one YAML document of a stream.
type Document struct {
	// Source is the file name the document came from ("-" for stdin).
	Source string
	// Line is the 1-based line of the document's first content line.
	Line int
	// startLine is the 1-based line where the document's text begins (comments
	// included); YAML parser errors count from there.
	startLine int
	// Raw is the document's YAML text.
	Raw []byte
}

// Split cuts a YAML stream at its "---" separators. Documents holding only
// comments or blank lines are dropped, as kubectl does.
func Split(source string, data []byte) []Document {
	var docs []Document
	start, startLine, line := 0, 1, 1
	flush := func(end int) {
		raw := data[start:end]
		if first := firstContentLine(raw); first > 0 {
			docs = append(docs, Document{Source: source, Line: startLine + first - 1, startLine: startLine, Raw: raw})
		}
	}
	for pos := 0; pos < len(data); {
		nl := bytes.IndexByte(data[pos:], '\n')
		end := len(data)
		if nl >= 0 {
			end = pos + nl + 1
		}
		if isSeparator(data[pos:end]) {
			flush(pos)
			start, startLine = end, line+1
		}
		pos = end
		line++
	}
	flush(len(data))
	return docs
}

// isSeparator reports whether a line is a document separator ("---", optionally
// followed by spaces or a comment).
func isSeparator(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := bytes.TrimSpace(l[3:])
	return len(rest) == 0 || rest[0] == '#'
}

// firstContentLine returns the 1-based line of the first line that is neither
// blank nor a comment, or 0 when there is none.
func firstContentLine(raw []byte) int {
	n := 1
	for len(raw) > 0 {
		l := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			l, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("...")) {
			return n
		}
		n++
	}
	return 0
}
