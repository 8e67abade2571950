package check_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// defaultEngine is the engine of the default policy.
func defaultEngine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// run checks one file's text with the default policy.
func run(t *testing.T, data string) *check.Report {
	t.Helper()
	rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(data)}}, check.Options{Engine: defaultEngine(t), DefaultNamespace: "default"})
	if len(rep.Errors) > 0 {
		t.Fatalf("input errors: %v", rep.Errors)
	}
	return rep
}

// rules are the rules an object violates.
func rules(o check.Object) []string {
	var out []string
	for _, v := range o.Violations {
		out = append(out, v.Rule)
	}
	return out
}

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/shop/web:1.0
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
`

// A Namespace in the input lends its labels to its workloads however its
// kind is written: the team label comes from it, so no rule is violated.
func TestNamespacesOfTheInputInEveryStyle(t *testing.T) {
	for name, ns := range map[string]string{
		"plain":  "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {pave.dev/team: shop}}\n",
		"quoted": "apiVersion: v1\nkind: \"Namespace\"\nmetadata: {name: shop, labels: {pave.dev/team: shop}}\n",
		"spaced": "apiVersion: v1\nkind:   Namespace\nmetadata: {name: shop, labels: {pave.dev/team: shop}}\n",
		"json":   `{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"pave.dev/team": "shop"}}}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			rep := run(t, ns+"---"+deployment)
			if len(rep.Objects) != 2 {
				t.Fatalf("%d objects, want the Namespace and the Deployment", len(rep.Objects))
			}
			if got := rules(rep.Objects[1]); len(got) > 0 {
				t.Errorf("the Deployment violates %v; the Namespace's team label should cover it", got)
			}
		})
	}
}

// Field names match exactly, as the API server matches them: a field in
// another case is unknown to it (dropped, or refused under strict field
// validation), so it is no field of the object pave judges, and it does not
// hide the real field from pave either.
func TestFieldNamesMatchAsTheAPIServerMatchesThem(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string // rules violated
	}{
		{"another case alone", "      HostNetwork: true\n", nil},
		{"the real field, then another case", "      hostNetwork: true\n      HostNetwork: false\n", []string{"pss/hostNamespaces"}},
		{"another case, then the real field", "      HostNetwork: false\n      hostNetwork: true\n", []string{"pss/hostNamespaces"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := run(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {pave.dev/team: shop}}\n---"+deployment+tc.spec)
			if got := rules(rep.Objects[1]); !slices.Equal(got, tc.want) {
				t.Errorf("violations %v, want %v", got, tc.want)
			}
		})
	}
}

// The kind is read as kubectl reads it, whichever converter reads the YAML:
// a tag sends the document to sigs.k8s.io/yaml, and `Kind:` is still no
// kind there.
func TestTheKindIsTheLowercaseKey(t *testing.T) {
	for name, extra := range map[string]string{
		"fast path":  "Kind: ConfigMap\n",
		"with a tag": "Kind: ConfigMap\nx-tagged: !!str yes\n",
	} {
		t.Run(name, func(t *testing.T) {
			rep := run(t, deployment[1:]+extra)
			if o := rep.Objects[0]; o.Kind != "Deployment" || !o.Workload {
				t.Errorf("judged as %s (workload %v), want the Deployment", o.Kind, o.Workload)
			}
		})
	}
}

// A field the kind does not have is named as the API server names it, for
// kubectl refuses the object for it; the object is judged without it.
func TestUnknownFieldsAreNamed(t *testing.T) {
	rep := run(t, deployment[1:]+"        livenesProbe: {httpGet: {path: /live, port: 8080}}\n      HostNetwork: true\n")
	o := rep.Objects[0]
	want := []string{`unknown field "spec.template.spec.containers[0].livenesProbe"`, `unknown field "spec.template.spec.HostNetwork"`}
	if !slices.Equal(o.UnknownFields, want) {
		t.Errorf("unknown fields %q, want %q", o.UnknownFields, want)
	}
	if got := rules(o); len(got) != 1 || got[0] != "required-labels" {
		t.Errorf("violations %v, want only required-labels (no namespace in this input)", got)
	}
	if notes := o.Notes(); len(notes) != 2 || !strings.Contains(notes[0], "kubectl refuses the object") {
		t.Errorf("notes %q", notes)
	}
	if clean := run(t, deployment[1:]).Objects[0]; clean.UnknownFields != nil {
		t.Errorf("a manifest of known fields has unknown fields %q", clean.UnknownFields)
	}
}

// A built-in kind pave's rules do not judge is still read as the API server
// reads it: kubectl refuses its unknown fields, and the API server a value
// of the wrong type (kube-score's test input wrote a NetworkPolicy's
// podSelector as a bare label map, which pave check passed). A custom
// resource's schema is the cluster's, and it passes as written.
func TestUnjudgedBuiltInKindsAreReadStrictly(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"a NetworkPolicy's selector as a label map", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector:\n    app: web\n", `unknown field "spec.podSelector.app"`},
		{"a Role's misspelt field", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: \"system:reader\"}\nrules: [{apiGroups: [\"\"], resources: [pods], verb: [get]}]\n", `unknown field "rules[0].verb"`},
		{"a known NetworkPolicy", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec: {podSelector: {matchLabels: {app: web}}}\n", ""},
		{"a custom resource", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: web}\nspec: {anything: 1}\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := run(t, c.doc).Objects[0]
			if o.Workload || !o.Allowed {
				t.Errorf("judged %v, allowed %v: pave's rules do not govern %s", o.Workload, o.Allowed, o.Kind)
			}
			var want []string
			if c.want != "" {
				want = []string{c.want}
			}
			if !slices.Equal(o.UnknownFields, want) {
				t.Errorf("unknown fields %q, want %q", o.UnknownFields, want)
			}
		})
	}
	// An error at the line of the field of the wrong type.
	rep := checkSecondLine(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec: {podSelector: web}\n")
	if len(rep.Errors) != 1 || !strings.HasPrefix(rep.Errors[0].Error(), "in.yaml:5: decode NetworkPolicy: json: cannot unmarshal string into Go struct field") ||
		!strings.Contains(rep.Errors[0].Error(), "spec.podSelector of type v1.LabelSelector") {
		t.Errorf("errors %q, want one at in.yaml:5 naming the field", rep.Errors)
	}
}
