package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/manifest"
)

func TestSplitKeepsLines(t *testing.T) {
	data := `# leading comment
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
# only a comment
---

apiVersion: v1
kind: ConfigMap
metadata: {name: b}
--- # separator with a comment
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
...
`
	docs := manifest.Split("f.yaml", []byte(data))
	var lines []int
	for _, d := range docs {
		lines = append(lines, d.Line)
	}
	if len(lines) != 3 || lines[0] != 2 || lines[1] != 9 || lines[2] != 13 {
		t.Fatalf("document lines %v, want [2 9 13]", lines)
	}
}

// A line that starts a document with content on it is refused, as kubectl
// refuses it, at its line; a YAML parser would start a document there that
// a reader of one document per separator skips without a word.
func TestSplitRefusesWhatKubectlRefuses(t *testing.T) {
	data := `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
--- {apiVersion: v1, kind: Pod, metadata: {name: hidden}}
---- # four dashes
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
`
	docs := manifest.Split("f.yaml", []byte(data))
	var got []string
	for _, d := range docs {
		objs, err := manifest.Decode(d)
		switch {
		case err != nil:
			got = append(got, err.Error())
		case len(objs) == 1:
			got = append(got, objs[0].Name)
		}
	}
	want := []string{
		"a",
		`f.yaml:4: invalid document separator "--- {apiVersion: v1, kind: Pod, metadata...": kubectl refuses the file; put --- on a line of its own (a comment may follow it) and the document under it`,
		`f.yaml:5: invalid document separator "---- # four dashes": kubectl refuses the file; put --- on a line of its own (a comment may follow it) and the document under it`,
		"b",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDecode(t *testing.T) {
	// Every document starts at line 3, after two comments; a List's items are
	// at their own lines.
	cases := []struct {
		name, doc string
		wantKinds []string
		wantLines []int
		wantErr   string
	}{
		{"object", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}", []string{"Pod"}, []int{3}, ""},
		{"list", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: b}}", []string{"Pod", "Deployment"}, []int{6, 7}, ""},
		{"typed list", "apiVersion: v1\nkind: PodList\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}", []string{"Pod"}, []int{6}, ""},
		{"list of block items", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n-\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: b}", []string{"Pod", "Pod"}, []int{6, 10}, ""},
		// kubectl's decoder makes a List of any object with items, and
		// applies its items, not the object; items: null applies nothing.
		{"object with items", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}", []string{"Pod"}, []int{7}, ""},
		{"object with null items", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nitems: ~", nil, nil, ""},
		{"json object with items", `{"apiVersion": "v1", "kind": "ConfigMap", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}]}`, []string{"Pod"}, []int{3}, ""},
		// It refuses a List among a List's items.
		{"list in a list", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- apiVersion: v1\n  kind: PodList\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: b}}", nil, nil, "f.yaml:7: List item 1 is a PodList, which kubectl refuses inside a List: move its items into the outer List"},
		{"object with items in a list", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, items: []}", nil, nil, "f.yaml:6: List item 0 is a ConfigMap, which kubectl refuses"},
		{"not kubernetes", "name: web\nimage: nginx", nil, nil, "f.yaml:3: not a Kubernetes object: apiVersion and kind are required"},
		{"scalar", "just a string", nil, nil, "f.yaml:3: not a Kubernetes object"},
		{"broken", "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n", nil, nil, "f.yaml:"},
		{"list item without kind", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {name: b}", nil, nil, "f.yaml:7: List item 1: not a Kubernetes object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs := manifest.Split("f.yaml", []byte("# c\n# c\n"+c.doc))
			objs, err := manifest.Decode(docs[0])
			if c.wantErr != "" {
				var me *manifest.Error
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.As(err, &me) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			var lines []int
			for _, o := range objs {
				kinds, lines = append(kinds, o.Kind), append(lines, o.Line)
			}
			if strings.Join(kinds, ",") != strings.Join(c.wantKinds, ",") || !slices.Equal(lines, c.wantLines) {
				t.Fatalf("kinds %v at lines %v, want %v at %v", kinds, lines, c.wantKinds, c.wantLines)
			}
		})
	}
}

func TestBrokenYAMLLineCountsFromTheFileTop(t *testing.T) {
	data := "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n   bad: indent\n"
	docs := manifest.Split("f.yaml", []byte(data))
	_, err := manifest.Decode(docs[1])
	if err == nil || !strings.Contains(err.Error(), "line 9") {
		t.Fatalf("err = %v, want the error placed at line 9 of the file", err)
	}
}

func TestReadPaths(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("b"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "sub", "a.yml"), []byte("a"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "README.md"), []byte("no"), 0o644))
	// A repository's CI files are YAML but no manifests: what is hidden
	// below a directory is not read, unless named.
	must(os.MkdirAll(filepath.Join(dir, ".github", "workflows"), 0o755))
	must(os.WriteFile(filepath.Join(dir, ".github", "workflows", "ci.yml"), []byte("workflow"), 0o644))
	must(os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte("gitlab"), 0o644))
	hidden := filepath.Join(dir, "sub", ".hidden.yaml")
	must(os.WriteFile(hidden, []byte("named"), 0o644))
	inputs, errs := manifest.ReadPaths([]string{dir, filepath.Join(dir, "missing.yaml"), "-", hidden}, strings.NewReader("stdin"))
	// The path once, with why; not os's "stat <path>: " after it again.
	if want := "read " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"; len(errs) != 1 || errs[0].Error() != want {
		t.Fatalf("errs %v, want %q", errs, want)
	}
	var got []string
	for _, in := range inputs {
		got = append(got, string(in.Data))
	}
	if strings.Join(got, ",") != "b,a,stdin,named" {
		t.Fatalf("read %v, want b (b.yaml), a (sub/a.yml), stdin, sub/.hidden.yaml as named, and no README or CI file", got)
	}
}

// A directory without a manifest file (empty, or docs only, or a link to
// itself, which is not followed) is an error naming it, as kubectl's
// "recognized file extensions" is: a CI job pointed at the wrong directory
// must not pass having checked nothing. The other paths are still read.
func TestReadPathsRefusesADirectoryWithoutManifests(t *testing.T) {
	dir := t.TempDir()
	empty, docs, good := filepath.Join(dir, "empty"), filepath.Join(dir, "docs"), filepath.Join(dir, "good")
	for _, d := range []string{empty, docs, good} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(docs, "README.md"), []byte("no"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(docs, filepath.Join(docs, "self")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(good, "a.yaml"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs, errs := manifest.ReadPaths([]string{empty, docs, good}, nil)
	if len(inputs) != 1 || string(inputs[0].Data) != "a" {
		t.Errorf("read %v, want good/a.yaml only", inputs)
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), empty+": no .yaml, .yml or .json file") || !strings.Contains(errs[1].Error(), docs+": no .yaml") {
		t.Errorf("errs %v, want one for each directory without a manifest, naming it", errs)
	}
}

// A Helm chart below a directory is one error that says how to check it,
// not a YAML error per template; the directory's other manifests are read.
// A template named directly fails as YAML, with the same advice.
func TestReadPathsSaysAChartIsRenderedFirst(t *testing.T) {
	dir := t.TempDir()
	chart, overlay := filepath.Join(dir, "charts", "shop"), filepath.Join(t.TempDir(), "overlays", "prod")
	for _, d := range []string{filepath.Join(chart, "templates"), overlay} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace | quote }}\n"
	for name, data := range map[string]string{
		filepath.Join(chart, "Chart.yaml"):                  "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
		filepath.Join(chart, "templates", "configmap.yaml"): template,
		filepath.Join(dir, "app.yaml"):                      "a",
		filepath.Join(overlay, "kustomization.yaml"):        "resources: [../base]\npatches: [{path: replicas.yaml}]\n",
		filepath.Join(overlay, "replicas.yaml"):             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
	} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inputs, errs := manifest.ReadPaths([]string{dir, overlay}, nil)
	if len(inputs) != 3 || inputs[0].Source != filepath.Join(dir, "app.yaml") {
		t.Errorf("read %v, want app.yaml and the kustomization's two files, not the chart's", inputs)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "read directory "+chart+": a Helm chart (Chart.yaml)") || !strings.Contains(errs[0].Error(), "helm template "+chart+" | pave check -f -") {
		t.Errorf("errs %v, want one naming the chart and how to check it", errs)
	}
	// A kustomization's files are read; its own file, no object, says how
	// to check what it builds.
	var kustomization manifest.Input
	for _, in := range inputs {
		if filepath.Base(in.Source) == "kustomization.yaml" {
			kustomization = in
		}
	}
	if _, err := manifest.Decode(manifest.Split(kustomization.Source, kustomization.Data)[0]); err == nil || !strings.Contains(err.Error(), "kubectl kustomize "+overlay+" | pave check -f -") {
		t.Errorf("the kustomization's file: %v, want how to check what it builds", err)
	}
	_, err := manifest.Decode(manifest.Split("configmap.yaml", []byte(template))[0])
	if err == nil || !strings.Contains(err.Error(), "invalid YAML") || !strings.Contains(err.Error(), "holds template syntax") {
		t.Errorf("a template named directly: %v, want invalid YAML with the advice", err)
	}
	// A value with {{ }} in a document that parses is no template's.
	if _, err := manifest.Decode(manifest.Split("alert.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {summary: '{{ $labels.pod }} is down'}\n"))[0]); err != nil {
		t.Errorf("a ConfigMap holding {{ }}: %v", err)
	}
}

// A JSON stream's values are reported as JSON, at their own lines: a value of
// the wrong type gets no advice about YAML's unquoted words.
func TestJSONStreamErrorsSayJSON(t *testing.T) {
	data := "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":5,\"kind\":\"ConfigMap\"}\n"
	docs := manifest.Split("f.json", []byte(data))
	if len(docs) != 2 {
		t.Fatalf("%d documents, want 2", len(docs))
	}
	_, err := manifest.Decode(docs[1])
	if want := "f.json:2: json: cannot unmarshal number into Go struct field .apiVersion of type string"; err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
}

// Every value of a JSON stream, and the error that ends one, is at its own
// line, and the YAML after a single JSON value starts where kubectl reads it.
func TestJSONStreamLines(t *testing.T) {
	cm := func(name string) string {
		return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"` + name + `"}}`
	}
	for _, c := range []struct {
		data string
		want []int
	}{
		{"\n" + cm("a") + "\n" + cm("b") + "\n\nnull\n" + cm("c") + cm("d") + "\n{broken\n", []int{2, 3, 6, 6, 7}},
		{cm("a") + "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n", []int{1, 3}},
		{"\n\n" + cm("a") + "\n\n" + cm("b") + "\n", []int{3, 5}},
	} {
		var got []int
		for _, d := range manifest.Split("f.json", []byte(c.data)) {
			got = append(got, d.Line)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: lines %v, want %v", c.data, got, c.want)
		}
	}
}
