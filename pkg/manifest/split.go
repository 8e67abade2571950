// Package manifest reads multi-document YAML streams (files, directories, stdin)
// into Kubernetes objects that remember the file and line they came from.
package manifest

import (
	"bytes"
	"fmt"
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
	// err is why the document cannot be read whatever its text: a separator
	// kubectl refuses. Decode returns it.
	err error
}

// Split cuts a YAML stream at its "---" separators. Documents holding only
// comments or blank lines are dropped, as kubectl does. A line that starts
// with "---" and goes on with anything but a comment (`--- {kind: Pod}`) is
// a separator kubectl refuses, failing the whole file; YAML parsers take it
// as the start of a document, which a reader of one document per separator
// would silently skip. It becomes a document that Decode reports at that line.
func Split(source string, data []byte) []Document {
	var docs []Document
	start, startLine, line := 0, 1, 1
	var refused error
	flush := func(end int) {
		raw := data[start:end]
		if first := firstContentLine(raw); first > 0 || refused != nil {
			docs = append(docs, Document{Source: source, Line: startLine + max(first, 1) - 1, startLine: startLine, Raw: raw, err: refused})
		}
	}
	for pos := 0; pos < len(data); {
		nl := bytes.IndexByte(data[pos:], '\n')
		end := len(data)
		if nl >= 0 {
			end = pos + nl + 1
		}
		if sep, ok := separator(data[pos:end]); sep {
			flush(pos)
			start, startLine, refused = end, line+1, nil
			if !ok {
				start, startLine = pos, line
				refused = fmt.Errorf("invalid document separator %q: kubectl refuses the file; put --- on a line of its own (a comment may follow it) and the document under it", clip(bytes.TrimSpace(data[pos:end])))
			}
		}
		pos = end
		line++
	}
	flush(len(data))
	return docs
}

// clip shortens a line quoted in an error.
func clip(l []byte) string {
	const most = 40
	if len(l) <= most {
		return string(l)
	}
	return string(l[:most]) + "..."
}

// separator reports whether a line begins a new document, and whether kubectl
// accepts it as a separator: "---", optionally followed by spaces or a comment.
func separator(l []byte) (sep, ok bool) {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false, false
	}
	rest := bytes.TrimSpace(l[3:])
	return true, len(rest) == 0 || rest[0] == '#'
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
