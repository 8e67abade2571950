package check_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/manifest"
)

// Asked for, each finding and unknown field is located at the line that
// writes its field, or the block a field left out belongs in; not asked
// for (the table), nothing is parsed again.
func TestFindingsAreLocatedAtTheirFields(t *testing.T) {
	input := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:latest
        imagePullPolicyy: Always
        securityContext:
          privileged: true
`
	run := func(lines bool) check.Object {
		rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(input)}},
			check.Options{Engine: defaultEngine(t), DefaultNamespace: "shop", FieldLines: lines})
		if len(rep.Objects) != 1 {
			t.Fatalf("objects %v, errors %v", rep.Objects, rep.Errors)
		}
		return rep.Objects[0]
	}
	o := run(true)
	for field, line := range map[string]int{
		"spec.template.spec.containers[0].image":                                    11,
		"spec.template.spec.containers[0].imagePullPolicyy":                         12, // unknown field
		"spec.template.spec.containers[0].securityContext.privileged":               14,
		"spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation": 13, // left out: its block
	} {
		if got, ok := o.FieldLines[field]; !ok || got != line || o.LineOf(field) != line {
			t.Errorf("%s: line %d (%v), want %d", field, got, ok, line)
		}
	}
	for _, v := range o.Violations {
		if _, ok := o.FieldLines[v.Field]; !ok {
			t.Errorf("finding %s at %s has no line", v.Rule, v.Field)
		}
	}
	if o := run(false); o.FieldLines != nil || o.LineOf("spec.template.spec.containers[0].image") != 1 {
		t.Errorf("lines not asked for: %v", o.FieldLines)
	}
}

// A value YAML read as a boolean or a number where the field takes a string
// is an input error at its line that says to quote it; in JSON, which says
// what it means, without the advice.
func TestAnUnquotedWordIsAnErrorAtItsLine(t *testing.T) {
	for _, tc := range []struct{ source, doc, want string }{
		{"in.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    env:\n    - {name: DEBUG, value: yes}\n",
			`in.yaml:9: Pod p: decode Pod: json: cannot unmarshal bool into Go struct field Pod.spec.containers.0.env.0.value of type string (YAML reads an unquoted true, false, yes, no, on, off, y or n as a boolean: quote the value, e.g. "yes")`},
		{"in.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    env:\n    - name: PORT\n      value: 8080\n",
			`in.yaml:10: Pod p: decode Pod: json: cannot unmarshal number into Go struct field Pod.spec.containers.0.env.0.value of type string (YAML reads an unquoted number as a number: quote the value, e.g. "8080")`},
		{"in.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},\n \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"x:1\", \"env\": [{\"name\": \"DEBUG\", \"value\": true}]}]}}\n",
			`in.json:2: Pod p: decode Pod: json: cannot unmarshal bool into Go struct field Pod.spec.containers.0.env.0.value of type string`},
		{"in.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: y\n",
			`in.yaml:4: json: cannot unmarshal bool into Go struct field .metadata.name of type string (YAML reads an unquoted true, false, yes, no, on, off, y or n as a boolean: quote the value, e.g. "yes")`},
	} {
		rep := check.Run(context.Background(), []manifest.Input{{Source: tc.source, Data: []byte(tc.doc)}},
			check.Options{Engine: defaultEngine(t), DefaultNamespace: "shop"})
		if len(rep.Errors) != 1 || rep.Errors[0].Error() != tc.want {
			t.Errorf("errors %q\nwant %q", rep.Errors, tc.want)
		}
	}
}

// The items of a List, which share one document, are each located within
// their own item.
func TestListItemsAreLocatedEachInItself(t *testing.T) {
	input := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec:
    containers: [{name: c, image: "registry.example.com/a:latest"}]
- apiVersion: v1
  kind: Pod
  metadata: {name: b}
  spec:
    containers:
    - name: c
      image: registry.example.com/b:latest
`
	rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(input)}},
		check.Options{Engine: defaultEngine(t), DefaultNamespace: "shop", FieldLines: true})
	if len(rep.Objects) != 2 {
		t.Fatalf("objects %v, errors %v", rep.Objects, rep.Errors)
	}
	for i, line := range []int{8, 15} {
		if got := rep.Objects[i].LineOf("spec.containers[0].image"); got != line {
			t.Errorf("%s: image at line %d, want %d", rep.Objects[i].Name, got, line)
		}
	}
}
