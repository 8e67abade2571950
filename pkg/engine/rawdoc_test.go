package engine

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestRawDocExisting holds rawDoc to encoding/json's reading of the same
// document (existing over the decoded value), along shared prefixes, arrays
// read once, keys gjson would take for its own syntax, escaped and repeated
// keys.
func TestRawDocExisting(t *testing.T) {
	raw := sampleRawDoc()
	checkRawDoc(t, raw, newRawDoc(raw, &rawArena{}))
}

// An arena lent from one patch to the next holds nothing of the object it
// read once reset (a pooled walker would keep the request's body alive),
// and reads the next object as a new one does, though the first object's
// nodes filled it past the first of its slices.
func TestRawArenaLendsEmptyNodes(t *testing.T) {
	var a rawArena
	first := []byte(`{"spec":{"template":{"spec":{"containers":[` + strings.Repeat(`{"name":"app","securityContext":{"a":1}},`, 40) +
		`{"name":"last"}]}}}}`)
	doc := newRawDoc(first, &a)
	for i := range 40 {
		path := []string{"spec", "template", "spec", "containers", strconv.Itoa(i), "securityContext", "a"}
		if depth, _ := doc.existing(path); depth != len(path) {
			t.Fatalf("existing(%q) = %d, want %d", path, depth, len(path))
		}
	}
	a.reset()
	for i, n := range a.nodes[:cap(a.nodes)] {
		if n.value.Raw != "" || n.members != nil || n.elems != nil || n.read {
			t.Errorf("nodes[%d] still holds %q", i, n.value.Raw)
		}
	}
	for i, m := range a.members[:cap(a.members)] {
		if m != (rawMember{}) {
			t.Errorf("members[%d] still holds %q", i, m.key)
		}
	}

	raw := sampleRawDoc()
	checkRawDoc(t, raw, newRawDoc(raw, &a))
}

// sampleRawDoc is an object with what makes raw JSON hard to read along a
// path: shared prefixes, keys gjson would take for its own syntax, escaped and
// repeated keys.
func sampleRawDoc() []byte {
	return []byte(`{"metadata":{"labels":{"app.kubernetes.io/name":"shop","a*b":"x"},"annotations":null},
		"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{}},{"name":"b","ports":[1,2]}],"volumes":[]}}},"n":1,
		"dup":{"a":1},"dup":null,"\u0061b":{"c":1},"q\"k":[]}`)
}

// checkRawDoc holds doc, read from raw, to encoding/json's reading of raw.
func checkRawDoc(t *testing.T, raw []byte, doc rawDoc) {
	t.Helper()
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
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
