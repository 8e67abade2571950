package engine

import (
	"encoding/json"
	"testing"
)

// TestRawDocExisting holds rawDoc to encoding/json's reading of the same
// document (existing over the decoded value), along shared prefixes, arrays
// read once, keys gjson would take for its own syntax, escaped and repeated
// keys.
func TestRawDocExisting(t *testing.T) {
	raw := []byte(`{"metadata":{"labels":{"app.kubernetes.io/name":"shop","a*b":"x"},"annotations":null},
		"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{}},{"name":"b","ports":[1,2]}],"volumes":[]}}},"n":1,
		"dup":{"a":1},"dup":null,"\u0061b":{"c":1},"q\"k":[]}`)
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	doc := newRawDoc(raw)
	for _, path := range [][]string{
		{"metadata", "labels", "app.kubernetes.io/name"},
		{"metadata", "labels", "a*b"},
		{"metadata", "labels", "a?b"},
		{"metadata", "labels", "missing"},
		{"metadata", "annotations", "x"},
		{"spec", "template", "spec", "containers", "0", "securityContext", "runAsNonRoot"},
		{"spec", "template", "spec", "containers", "0", "securityContext"},
		{"spec", "template", "spec", "containers", "1", "ports", "1"},
		{"spec", "template", "spec", "containers", "1", "ports", "2"},
		{"spec", "template", "spec", "containers", "2"},
		{"spec", "template", "spec", "containers", "-1"},
		{"spec", "template", "spec", "containers", "x"},
		{"spec", "template", "spec", "volumes", "0"},
		{"n", "x"},
		{"dup", "a"}, // the last of a repeated member, as decoders keep
		{"ab", "c"},  // a key written with an escape
		{"q\"k", "0"},
		{"spec", "template", "spec", "containers", "0", "name"}, // again, after its siblings were read
		{},
	} {
		wantDepth, at := existing(decoded, path)
		_, isObject := at.(map[string]any)
		_, isArray := at.([]any)
		for range 2 { // the second time from what the first remembered
			if depth, container := doc.existing(path); depth != wantDepth || container != (isObject || isArray) {
				t.Errorf("existing(%q) = %d, %v; want %d, %v", path, depth, container, wantDepth, isObject || isArray)
			}
		}
	}
}
