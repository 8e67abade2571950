package manifest

import "testing"

// objectsOf decodes every document of a file.
func objectsOf(t *testing.T, data string) []Object {
	t.Helper()
	var out []Object
	for _, d := range Split("f.yaml", []byte(data)) {
		objs, err := Decode(d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, objs...)
	}
	return out
}

// A field is located at the line that writes it, in the file's count, in
// the paths findings name and in encoding/json's; one the object leaves out
// at the deepest part it writes; a List's item within the item.
func TestFieldLineIsWhereTheFieldIsWritten(t *testing.T) {
	file := `# a comment
apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    example.com/owner: shop
  labels: &labels
    app: web
spec:
  selector: {matchLabels: *labels}
  template:
    metadata:
      labels:
        <<: *labels
        tier: front
    spec:
      containers:
      - name: c
        image: x:1
        env:
        - name: DEBUG
          value: yes
        securityContext:
          runAsUser: 0
      - name: d
        image: y:1
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
- apiVersion: v1
  kind: Pod
  metadata:
    name: b
  spec:
    containers: [{name: c, image: z}]
`
	objs := objectsOf(t, file)
	if len(objs) != 4 {
		t.Fatalf("%d objects", len(objs))
	}
	web, b := objs[1], objs[3]
	if objs[2].Text() != b.Text() || web.Text() == b.Text() {
		t.Error("a List's items do not share their document's text, for it to be parsed once")
	}
	for _, tc := range []struct {
		o     Object
		field string
		line  int
	}{
		{web, "spec.template.spec.containers[0].image", 24},
		{web, "spec.template.spec.containers.0.env.0.value", 27}, // encoding/json's path
		{web, "spec.template.spec.containers[0].securityContext.runAsUser", 29},
		{web, "spec.template.spec.containers[0].securityContext.runAsNonRoot", 28}, // left out: its block
		{web, "spec.template.spec.containers[1].readinessProbe", 30},               // left out: its container
		{web, "metadata.annotations[example.com/owner]", 11},
		{web, "metadata.annotations.example.com/owner", 11}, // a key holding dots, cut at them
		{web, "spec.template.metadata.labels[app]", 13},     // merged: where the anchor writes it
		{web, "spec.template.metadata.labels[tier]", 20},
		{web, "spec.selector.matchLabels[app]", 13},         // through an alias
		{web, "spec.template.spec.containers[7].image", 22}, // no such container: the list
		{web, "status", 6},
		{web, "", 6},
		{b, "spec.containers[0].image", 44},
		{b, "metadata.name", 42},
		{objs[2], "spec", 36}, // left out: the item
	} {
		if got := tc.o.FieldLine(tc.field); got != tc.line {
			t.Errorf("%s %s: line %d, want %d", tc.o.Name, tc.field, got, tc.line)
		}
	}
}

// Broken JSON is an error at the line the JSON went wrong, where the YAML
// parser kubectl falls back to places it a line or more too soon; what
// that parser said comes after it.
func TestBrokenJSONIsAnErrorAtItsLine(t *testing.T) {
	lastDocumentFails(t, "f.json", []brokenInput{
		{"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"a\"}\n  \"data\": {}\n}\n",
			"f.json:5: invalid JSON: line 5: invalid character '\"' after object key:value pair (kubectl then reads it as YAML: yaml: line 4: did not find expected ',' or '}')"},
		{"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}},\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"} \"data\": {}}\n]}\n",
			"f.json:3: invalid JSON: line 3: invalid character '\"' after object key:value pair (kubectl then reads it as YAML: yaml: line 2: did not find expected ',' or '}')"},
		{"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"a\"\n\n",
			"f.json:4: invalid JSON: line 4: the input ends inside a value: a { or [ is not closed (kubectl then reads it as YAML: yaml: line 5: did not find expected ',' or '}')"},
		{"{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}}\n{\"apiVersion\": \"v1\",\n \"kind\" \"ConfigMap\"}\n",
			"f.json:4: invalid JSON after 2 values: line 4: invalid character '\"' after object key"},
	})
}

// In a JSON stream each value counts from its own first line.
func TestFieldLineInAJSONStream(t *testing.T) {
	objs := objectsOf(t, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"},\n  \"spec\": {\n    \"containers\": [\n      {\"name\": \"c\", \"image\": \"x\"}\n    ]\n  }\n}\n")
	if len(objs) != 2 {
		t.Fatalf("%d objects", len(objs))
	}
	if got := objs[1].FieldLine("spec.containers[0].image"); got != 8 {
		t.Errorf("line %d, want 8", got)
	}
	if got := objs[1].FieldLine("metadata.name"); got != 5 {
		t.Errorf("line %d, want 5", got)
	}
}

// Broken YAML is an error at the line the parser stopped at, in the file's
// count, and a line indented with a tab says what YAML takes.
func TestBrokenYAMLIsAnErrorAtItsLine(t *testing.T) {
	lastDocumentFails(t, "f.yaml", []brokenInput{
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# b\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n\tkey: v\n",
			"f.yaml:11: invalid YAML: yaml: line 11: found character that cannot start any token (line 11 is indented with a tab: YAML indents with spaces only)"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   indent: wrong\n",
			"f.yaml:5: invalid YAML: yaml: line 5: mapping values are not allowed in this context"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n\tlabels: {}\n",
			"f.yaml:5: invalid YAML: yaml: line 5: found a tab character that violates indentation"},
	})
}

// brokenInput is a file's text and the error its last document is.
type brokenInput struct{ data, want string }

// lastDocumentFails reads each input as the file source and holds the
// decoding of its last document to the error wanted.
func lastDocumentFails(t *testing.T, source string, inputs []brokenInput) {
	t.Helper()
	for _, in := range inputs {
		docs := Split(source, []byte(in.data))
		_, err := Decode(docs[len(docs)-1])
		if err == nil || err.Error() != in.want {
			t.Errorf("error %v\nwant  %s", err, in.want)
		}
	}
}
