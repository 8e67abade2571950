package manifest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// tricky holds the YAML 1.1 corners where a YAML 1.2 reading would differ from
// kubectl's: booleans spelled yes/no/on/off/y/n, octal, hex, sexagesimal,
// floats, nulls, timestamps, anchors and merge keys, odd keys, duplicates.
var tricky = []string{
	"a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: true\nh: False",
	"a: 0777\nb: 0x1F\nc: 0b101\nd: 1_000\ne: 1:30\nf: 010",
	"a: 1.5\nb: 1e3\nc: .inf\nd: -.Inf\ne: .nan\nf: 1.\ng: +12\nh: -0",
	"a: ~\nb: null\nc:\nd: Null\ne: ''\nf: \"\"",
	"a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 12:30:00",
	"base: &b {x: 1, y: two}\nuse: *b\nmerged:\n  <<: *b\n  y: three",
	"yes: 1\n1: one\n0.5: half\n~: nil\n'quoted': q",
	"a: 1\na: 2",
	"a: !!str 123\nb: !!int '7'\nc: !custom x",
	"s: |\n  line one\n  line two\nf: >\n  folded\n  text\n",
	"q: \"tab\\there \\\"quoted\\\" \\u2028 end\"\nu: 'single ''quoted'''\nx: \"\\x01\"",
	"list: [1, two, 3.0, yes, null, {k: v}, [nested]]",
	"big: 123456789012345678901234567890\nneg: -9223372036854775809\nmax: 9223372036854775807",
	"quantities: {cpu: 100m, memory: 256Mi, storage: 1.5Gi, n: 0.5, e: 1e3, k: 10k}",
	"durations: [30s, 1h30m, 10ms, 5]",
	"images: [nginx:1.27, registry.example.com:5000/app@sha256:abc, 'x:latest']",
	"html: <b>&amp;</b>\nemoji: 🚀\nbad: \"\\xff\"",
	"- a\n- b",
	"just a string",
	"",
	"# only a comment",
	"key with spaces: v\n\"quoted key\": v2\n? complex\n: value",
	// Single-quoted strings over several lines, as kubectl wraps them.
	"a: 'word word word\n  word word'\nb: '{\"k\":\"it''s\",\n  \"n\": 1}'",
	"metadata:\n  annotations:\n    x: '{\"apiVersion\":\"v1\",\n      \"kind\":\"Pod\"}'\n- 'aa\n  bb'",
	"l:\n- 'aa\n  bb'\n- 'cc\n      dd\n ee'",
	"a: 'x\n  '\nb: 'x \n  y'\nc: 'x\n\n  y'\nd: 'x\n\t y'\ne: '\n  y'\nf: ' x\n  y '",
	"a: 'x\r\n  y'\nb: 'x''\n  ''y'",
	"a: word word\n  word # c\nb: 1\n  2\nc: yes\n  no\nd: x:\n  y\ne: - x\n  y",
	"l:\n- aa bb\n  cc\n- k: v v\n    w\n  k2: 'q\n    r'",
	// A tab in a line's indent: yaml.v2 refuses it before a comment where
	// yaml.v3 reads it as the comment's indent (found by FuzzToJSON).
	"a: word\n ####rd\n\t# c\nb: 1\n", "# x\n\t# c\nb: 1\n", "a:\n  b: 1\n  # x\n\t# c\n  c: 2\n", "a: |\n  x\n\ty\n",
	"a: word word\n dd\n####r\n \t# c\nb: 1\"", "a: 1\n# x\n  \t# c\nb: 2\n",
	// The same behind a carriage return, and the other breaks yaml.v2 knows.
	"a:\n  b: 1\n  # x\n \r\t#", "a:\n  b: 1\n  # x\r\t# c\n  c: 2\n", "a:\n  b: 1\n  # x\u0085\t# c\n",
	"a:\n  b: 1\n  # x\u2028\t# c\n", "a:\n  b: 1\n  # x\u2029\t# c\n",
}

func sameAsSigs(t *testing.T, doc []byte) {
	t.Helper()
	want, wantErr := yaml.YAMLToJSON(doc)
	got, _, gotErr := toJSON(doc)
	if gotErr != nil && got != nil {
		// Converted, and the header did not decode (`metadata: 0`): Decode
		// refuses the object, and the conversion is compared all the same.
		gotErr = nil
	}
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("error mismatch for %q: sigs %v, pave %v", doc, wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	var g any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output for %q is not JSON: %v\n%s", doc, err, got)
	}
	// sigs.k8s.io/yaml is nondeterministic where keys collide after conversion
	// (0 and .0 both become "0"; Go's map order picks the value), so the output
	// must equal one of its answers.
	for range 64 {
		var w any
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatalf("sigs output is not JSON: %v", err)
		}
		if reflect.DeepEqual(w, g) {
			return
		}
		want, _ = yaml.YAMLToJSON(doc)
	}
	t.Fatalf("output differs for %q:\nsigs: %s\npave: %s", doc, want, got)
}

func TestToJSONMatchesSigsYAML(t *testing.T) {
	for _, doc := range tricky {
		t.Run(doc, func(t *testing.T) { sameAsSigs(t, []byte(doc)) })
	}
	// Every manifest in the repository.
	files, _ := filepath.Glob("../../*/*/testdata/*.yaml")
	more, _ := filepath.Glob("../../*/*/testdata/*/*/*.yaml")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range Split(f, data) {
			t.Run(f, func(t *testing.T) { sameAsSigs(t, d.Raw) })
		}
	}
}

func FuzzToJSON(f *testing.F) {
	for _, doc := range tricky {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) { sameAsSigs(t, doc) })
}

// A string kubectl wrapped over lines stays on the fast path; one whose
// folding the two parsers need not share goes to the full converter.
func TestWrappedStringsStayFast(t *testing.T) {
	long, err := yaml.Marshal(map[string]string{"a": strings.Repeat("word ", 30) + "end", "b": `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"it's","namespace":"default"},"data":{"k":"v"}}`})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(long, []byte("\n  ")) {
		t.Fatalf("sigs.k8s.io/yaml no longer wraps long strings:\n%s", long)
	}
	for doc, fast := range map[string]bool{
		string(long):    true,
		"a: 'x\n\n  y'": false, // a blank line is a line break
		"a: 'x \n  y'":  false, // a space before the break
		"a: 'x\n\t y'":  false,
		"a: 'x\n  '":    false, // no text on the closing line
		"a: \"x\n  y\"": false, // double-quoted: escapes fold too
		"a: 'one line'": true,
	} {
		var root yamlv3.Node
		if err := yamlv3.Unmarshal([]byte(doc), &root); err != nil {
			t.Fatal(err)
		}
		w := jsonWriter{raw: []byte(doc), lines: lineStarts([]byte(doc))}
		if err := w.node(root.Content[0]); (err == nil) != fast {
			t.Errorf("%q: fast path %v, want %v", doc, err == nil, fast)
		}
		sameAsSigs(t, []byte(doc))
	}
}
