package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// Object is one Kubernetes object read from a stream.
type Object struct {
	Source     string
	Line       int
	APIVersion string
	Kind       string
	Name       string
	// GenerateName is the prefix the API server names the object by when
	// it has no name.
	GenerateName string
	Namespace    string
	// JSON is the object as JSON, ready to decode into a typed struct.
	JSON []byte
	// text is the document the object was read from, and item 1 + its
	// index among a List's items (0 for the document's own object): where
	// FieldLine looks.
	text *Text
	item int
}

// Called is the name the object goes by in messages (Called).
func (o Object) Called() string { return Called(o.Name, o.GenerateName) }

// Called is the name an object goes by in messages: its name, or its
// generateName for one the API server will name, as the webhook says it.
func Called(name, generateName string) string {
	if name != "" {
		return name
	}
	return generateName
}

// Pos is "file:line", as editors and CI logs link it.
func (o Object) Pos() string { return fmt.Sprintf("%s:%d", o.Source, o.Line) }

// Error is a document that is not a Kubernetes object, with its position.
type Error struct {
	Source string
	Line   int
	Err    error
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// header is what pave needs to know of an object before decoding it.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name         string `json:"name"`
		GenerateName string `json:"generateName"`
		Namespace    string `json:"namespace"`
	} `json:"metadata"`
	// hasItems says items is a sequence; itemsKey that there is an items
	// field at all, which makes any object a List to kubectl's decoder.
	hasItems   bool
	itemsKey   bool
	notMapping bool
	// itemLines are the lines of a List's items in the document (1 is its
	// first line), where the YAML parser gave them; nil otherwise.
	itemLines []int
}

// decodeHeader reads the header from JSON.
func decodeHeader(js []byte) (header, error) {
	var h struct {
		header
		Items json.RawMessage `json:"items"`
	}
	if err := jsondecode.Unmarshal(js, &h); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			h.notMapping = true
			return h.header, nil
		}
		return header{}, err
	}
	h.itemsKey = len(h.Items) > 0 // null included
	h.hasItems = h.itemsKey && h.Items[0] == '['
	return h.header, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// Decode turns a document into objects: one, or the items of a List.
func Decode(d Document) ([]Object, error) {
	if d.err != nil {
		return nil, &Error{Source: d.Source, Line: d.Line, Err: d.err}
	}
	var js []byte
	var h header
	var err error
	if d.isJSON {
		js = asKubectlSends(d.Raw)
		h, err = decodeHeader(js)
	} else {
		js, h, err = toJSON(d.Raw)
	}
	if err != nil {
		if typed, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && typed.Field != "" {
			// A header field of the wrong type (a name YAML read as a boolean).
			return nil, Object{Source: d.Source, Line: d.Line, text: d.text()}.Located(err)
		}
		if d.isJSON {
			return nil, d.errorf("invalid JSON: %v", err)
		}
		msg := shiftLine(err.Error(), d.startLine-1)
		if j := d.notJSON; j != nil {
			return nil, &Error{Source: d.Source, Line: j.line,
				Err: fmt.Errorf("invalid JSON: line %d: %v (kubectl then reads it as YAML: %s)", j.line, j.err, msg)}
		}
		e := &Error{Source: d.Source, Line: d.Line}
		if m := yamlLine.FindStringSubmatch(msg); m != nil { // where the parser stopped, for editors to jump to
			e.Line, _ = strconv.Atoi(m[1])
		}
		e.Err = fmt.Errorf("invalid YAML: %s%s%s", msg, templateHint(d.Raw), d.tabHint(msg, e.Line))
		return nil, e
	}
	if bytes.Equal(js, []byte("null")) {
		return nil, nil // an empty document (`~`, an anchor alone): kubectl skips it
	}
	if h.notMapping {
		return nil, d.errorf("not a Kubernetes object: the document is not a mapping")
	}
	if h.APIVersion == "" || h.Kind == "" {
		return nil, d.errorf("not a Kubernetes object: apiVersion and kind are required%s", kustomizationHint(d.Source))
	}
	if err := groupVersion(h.APIVersion); err != nil {
		return nil, d.errorf("%v", err)
	}
	if isList(h) {
		return d.items(h.Kind, js, h.itemLines, d.text())
	}
	return []Object{{Source: d.Source, Line: d.Line, APIVersion: h.APIVersion, Kind: h.Kind,
		Name: h.Metadata.Name, GenerateName: h.Metadata.GenerateName, Namespace: h.Metadata.Namespace, JSON: js,
		text: d.text()}}, nil
}

// items are the objects of a List, in order. An item that is no object, or
// is a List itself (kubectl's decoder reads it as a plain object, which then
// cannot be flattened), fails the whole List: kubectl, validating as it does
// by default, then sends none of its items (TestCheckReadsListsAsKubectlSendsThem).
func (d Document) items(kind string, js []byte, lines []int, text *Text) ([]Object, error) {
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := jsondecode.Unmarshal(js, &list); err != nil {
		return nil, d.errorf("%s: %v", kind, err)
	}
	var out []Object
	for i, item := range list.Items {
		line := d.Line
		if len(lines) == len(list.Items) {
			line = d.startLine - 1 + lines[i]
		}
		ih, err := decodeHeader(item)
		if err != nil || ih.notMapping || ih.APIVersion == "" || ih.Kind == "" {
			return nil, &Error{Source: d.Source, Line: line, Err: fmt.Errorf("%s item %d: not a Kubernetes object: apiVersion and kind are required", kind, i)}
		}
		if err := groupVersion(ih.APIVersion); err != nil {
			return nil, &Error{Source: d.Source, Line: line, Err: fmt.Errorf("%s item %d: %w", kind, i, err)}
		}
		if ih.hasItems {
			return nil, &Error{Source: d.Source, Line: line, Err: fmt.Errorf("%s item %d is a %s, which kubectl refuses inside a List: move its items into the outer List", kind, i, ih.Kind)}
		}
		out = append(out, Object{Source: d.Source, Line: line, APIVersion: ih.APIVersion, Kind: ih.Kind,
			Name: ih.Metadata.Name, GenerateName: ih.Metadata.GenerateName, Namespace: ih.Metadata.Namespace, JSON: item,
			text: text, item: i + 1})
	}
	return out, nil
}

// groupVersion refuses an apiVersion that is no group/version, as kubectl
// does before it sends anything.
func groupVersion(apiVersion string) error {
	if _, err := schema.ParseGroupVersion(apiVersion); err != nil { // its words repeat the value
		return fmt.Errorf("apiVersion %q is no group/version: write it as apps/v1 does, or v1 for the core group", apiVersion)
	}
	return nil
}

// isList is kubectl's test: any object with an items field is a List, whose
// items it applies and not the object (items: null applies nothing), whatever
// its kind says.
func isList(h header) bool {
	return h.Kind == "List" || h.itemsKey
}

// text is the document as its objects' FieldLine reads it.
func (d Document) text() *Text { return &Text{raw: d.Raw, firstLine: d.startLine, json: d.isJSON} }

func (d Document) errorf(format string, args ...any) error {
	return &Error{Source: d.Source, Line: d.Line, Err: fmt.Errorf(format, args...)}
}

// templateHint is what to do with a document that does not parse and holds
// template syntax: a Helm or other template, named directly, is YAML only
// once rendered. Only for a document that fails: a ConfigMap or an alert may
// hold {{ }} in its values.
func templateHint(raw []byte) string {
	if !bytes.Contains(raw, []byte("{{")) {
		return ""
	}
	return " (the document holds template syntax, {{ }}: check what the template renders, e.g. helm template CHART | pave check -f -)"
}

// tabHint is what to do where line n, the one the parser stopped at (in
// the file's count), is indented with a tab, which YAML does not take.
func (d Document) tabHint(msg string, n int) string {
	if strings.Contains(msg, "tab character") { // the parser says so itself
		return ""
	}
	lines := bytes.Split(d.Raw, []byte("\n"))
	if i := n - d.startLine; i < 0 || i >= len(lines) || !bytes.HasPrefix(bytes.TrimLeft(lines[i], " "), []byte("\t")) {
		return ""
	}
	return fmt.Sprintf(" (line %d is indented with a tab: YAML indents with spaces only)", n)
}

// kustomizationHint is what to do with a kustomization's own file, which
// kubectl builds with -k and pave check cannot read as an object.
func kustomizationHint(source string) string {
	switch filepath.Base(source) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return fmt.Sprintf(" (a kustomization: check what it builds, kubectl kustomize %s | pave check -f -)", filepath.Dir(source))
	}
	return ""
}

// shiftLine rewrites "line N" in a YAML parser message to count from the top of
// the file rather than the top of the document.
func shiftLine(msg string, offset int) string {
	return yamlLine.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(m[5:])
		return "line " + strconv.Itoa(n+offset)
	})
}
