// Package manifest reads multi-document YAML streams (files, directories, stdin)
// into Kubernetes objects that remember the file and line they came from.
package manifest

import (
	"bytes"
	"errors"
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
	// Raw is the document's YAML text, or a JSON value of a JSON stream.
	Raw []byte
	// isJSON says Raw is a value of a JSON stream, read as JSON.
	isJSON bool
	// err is why the document cannot be read whatever its text: a separator
	// kubectl refuses. Decode returns it.
	err error
	// notJSON is why a stream that starts as JSON failed to read as JSON
	// where its YAML begins (splitJSON): where the YAML fails too, it says
	// where the JSON went wrong, which the YAML parser places a line or
	// more too soon in JSON's flow style.
	notJSON *lineError
}

// lineError is an error at a line of the file.
type lineError struct {
	line int
	err  error
}

// Split cuts a stream into its documents, as kubectl does: a JSON stream
// (`{...}{...}`, splitJSON) into its values, YAML at its "---" separators.
func Split(source string, data []byte) []Document {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		// kubectl cuts lines at the byte '\n', which splits UTF-16's
		// characters, and refuses what it cut.
		return []Document{{Source: source, Line: 1, startLine: 1, err: errors.New("the file is UTF-16 (its byte order mark says so), which kubectl cannot read: save it as UTF-8")}}
	}
	if looksLikeJSON(data) {
		return splitJSON(source, data)
	}
	return splitYAML(source, data, 1)
}

// splitYAML cuts YAML at its "---" separators; its first line is line
// firstLine of the file. Documents holding only comments or blank lines are
// dropped, as kubectl does. A line that starts with "---" and goes on with
// anything but a comment (`--- {kind: Pod}`) is a separator kubectl refuses,
// failing the whole file; YAML parsers take it as the start of a document,
// which a reader of one document per separator would silently skip. It
// becomes a document that Decode reports at that line.
func splitYAML(source string, data []byte, firstLine int) []Document {
	var docs []Document
	start, startLine, line := 0, firstLine, firstLine
	var refused error
	flush := func(end int) {
		raw := asKubectlReads(data[start:end])
		if first := firstContentLine(raw); first > 0 || refused != nil || !parses(raw) {
			docs = append(docs, Document{Source: source, Line: startLine + max(first, 1) - 1, startLine: startLine, Raw: raw, err: refused})
		}
	}
	for pos := 0; pos < len(data); {
		nl := bytes.IndexByte(data[pos:], '\n')
		end := len(data)
		if nl >= 0 {
			end = pos + nl + 1
		}
		// kubectl keeps a separator that opens a document as the document's
		// first line, for the YAML parser to read (`---#` is no YAML marker:
		// the document is then a string).
		if sep, ok := separator(data[pos:end]); sep && !(ok && pos == start) {
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

// emptyMarker reports whether a line is a YAML document marker with nothing
// after it but spaces and a comment: "---" followed by a space or the line's
// end.
func emptyMarker(l []byte) bool {
	sep, ok := separator(l)
	return sep && ok && (len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r')
}

// parses reports whether a document of comments only is one kubectl's YAML
// parser reads (as nothing): it refuses some, for characters YAML does not
// allow anywhere (controls, invalid UTF-8), a tab where a token would
// start, or a document end ("...") with no document; and a carriage return
// ends a comment there, so what follows it is content. Comments of printable
// ASCII are read without asking it.
func parses(raw []byte) bool {
	for _, c := range raw {
		if (c < ' ' && c != '\n') || c >= 0x7f || bytes.Contains(raw, []byte("...")) {
			js, _, err := toJSON(raw) // a carriage return may end a comment, too
			return err == nil && (len(js) == 0 || string(js) == "null")
		}
	}
	return true
}

// asKubectlReads is a document's text as kubectl's reader hands it to the
// YAML parser: every line ended by "\n", the last included, and "\r\n"
// read as "\n". It copies only a document that is not so already.
func asKubectlReads(raw []byte) []byte {
	if len(raw) > 0 && raw[len(raw)-1] == '\n' && !bytes.Contains(raw, []byte("\r\n")) {
		return raw
	}
	out := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return out
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
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("...")) && !emptyMarker(l) {
			return n
		}
		n++
	}
	return 0
}
