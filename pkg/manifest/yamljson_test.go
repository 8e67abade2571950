package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

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
