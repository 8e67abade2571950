package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// jsonPeek is how far kubectl looks for a JSON stream's opening brace
// (k8s.io/apimachinery's YAMLOrJSONDecoder, as kubectl's builder makes it).
const jsonPeek = 4096

// looksLikeJSON reports whether kubectl reads data as a JSON stream first:
// the first character that is not a space, within jsonPeek bytes, is "{".
func looksLikeJSON(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeftFunc(data[:min(len(data), jsonPeek)], unicode.IsSpace), []byte("{"))
}

// splitJSON cuts a stream that starts with "{" as kubectl does. It reads JSON
// values one after another (`{...}{...}` or one a line), each a document. A
// value that fails to read after at most one read whole means the stream was
// YAML from the end of the last value read (a JSON object followed by "---"
// and YAML, or YAML flow style): the rest is split as YAML, from the line
// after that value. After two values the stream is JSON, and the failure is
// an error at its line. Without this, a file of two JSON objects was one
// YAML document to pave, and the second object was never checked although
// kubectl applies it.
func splitJSON(source string, data []byte) []Document {
	var docs []Document
	dec := json.NewDecoder(bytes.NewReader(data))
	read := int64(0) // bytes of data read as whole JSON values
	lines := lineCounter{data: data}
	for values := 0; ; values++ { // null included

		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			skip, yaml := yamlStart(data[read:])
			at := jsonErrorLine(data, err)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = errors.New("the input ends inside a value: a { or [ is not closed")
			}
			if values > 1 || !yaml {
				line := lines.at(read + leadingSpace(data[read:]))
				return append(docs, Document{Source: source, Line: at, startLine: line, err: fmt.Errorf("invalid JSON after %d values: line %d: %w", values, at, err)})
			}
			rest := read + skip
			yamlDocs := splitYAML(source, data[rest:], lines.at(rest))
			if len(yamlDocs) > 0 {
				yamlDocs[0].notJSON = &lineError{line: at, err: err}
			}
			return append(docs, yamlDocs...)
		}
		start := read + leadingSpace(data[read:])
		read = dec.InputOffset()
		if raw = bytes.TrimSpace(raw); bytes.Equal(raw, []byte("null")) {
			continue // kubectl skips null values
		}
		line := lines.at(start)
		docs = append(docs, Document{Source: source, Line: line, startLine: line, Raw: raw, isJSON: true})
	}
}

// jsonErrorLine is the 1-based line of data where a JSON decoder reading it
// from the start failed with err: the line of a syntax error's offset (the
// offending character's), or, where the input ended inside a value, its
// last line that is not blank.
func jsonErrorLine(data []byte, err error) int {
	if syntax, ok := errors.AsType[*json.SyntaxError](err); ok && syntax.Offset <= int64(len(data)) {
		return 1 + bytes.Count(data[:syntax.Offset], []byte{'\n'})
	}
	return 1 + bytes.Count(bytes.TrimRightFunc(data, unicode.IsSpace), []byte{'\n'})
}

// leadingSpace is the number of space bytes data starts with.
func leadingSpace(data []byte) int64 {
	return int64(len(data) - len(bytes.TrimLeftFunc(data, unicode.IsSpace)))
}

// yamlStart is how many bytes kubectl skips before reading YAML where JSON
// failed: the spaces up to a character that is not one, or up to and
// including the first newline. It reads them four bytes at a time
// (apimachinery's YAMLOrJSONDecoder.consumeWhitespace), so ok is false, and
// kubectl refuses the rest, where fewer than four bytes are left to read
// (`{...}` then "\n#" at the end of the file) or a character is not UTF-8.
func yamlStart(data []byte) (n int64, ok bool) {
	pos := 0
	for {
		if len(data)-pos < 4 {
			return 0, false
		}
		r, size := utf8.DecodeRune(data[pos : pos+4])
		if r == utf8.RuneError || size == 0 {
			return 0, false
		}
		if !unicode.IsSpace(r) {
			return int64(pos), true
		}
		pos += size
		if r == '\n' {
			return int64(pos), true
		}
	}
}

// lineCounter gives the 1-based lines of offsets that only grow, counting
// each newline once: counting from the top for every value made a stream of
// n values on as many lines take n²/2 line reads.
type lineCounter struct {
	data   []byte
	offset int64 // newlines before offset are counted in line
	line   int   // 0-based
}

func (c *lineCounter) at(offset int64) int {
	if offset < c.offset { // not expected; counted again from the top
		c.offset, c.line = 0, 0
	}
	c.line += bytes.Count(c.data[c.offset:offset], []byte{'\n'})
	c.offset = offset
	return c.line + 1
}

// asKubectlSends is a value of a JSON stream as kubectl sends it to the API
// server: read into a map and written again, so of a key given twice the
// last stands, as in YAML. A value kubectl cannot read as an object is
// returned as it is, for Decode to say what is wrong with it.
func asKubectlSends(raw []byte) []byte {
	var obj unstructured.Unstructured
	if obj.UnmarshalJSON(raw) != nil {
		return raw
	}
	js, err := obj.MarshalJSON()
	if err != nil {
		return raw
	}
	return js
}
