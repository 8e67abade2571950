package engine

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

// A compiled scope admits exactly the places under its paths, with "pod."
// at each kind's pod template, "podonly." at a Pod's own fields and no other
// kind's, and "*" matching any key beside named ones.
func TestScopeAdmitsWhatItsPathsName(t *testing.T) {
	paths := []string{"metadata.labels", "pod.metadata.annotations", "pod.spec.containers.*.resources", "pod.spec.containers.main.image", "a.*.b", "a.x.c",
		"podonly.spec.containers.*.readinessProbe"}
	for _, c := range []struct {
		kind, path string
		in         bool
	}{
		{"Deployment", "metadata.labels.team", true},
		{"Deployment", "metadata.labels", true},
		{"Deployment", "metadata.annotations", false},
		{"Deployment", "spec.template.metadata.annotations.x", true},
		{"Deployment", "spec.template.metadata.labels", false},
		{"Deployment", "spec.template.spec.containers.3.resources.limits", true},
		{"Deployment", "spec.template.spec.containers.3.env", false},
		{"Deployment", "spec.template.spec.containers.main.resources", true}, // "*" reaches the named sibling too
		{"Deployment", "spec.template.spec.containers.main.image", true},
		{"Deployment", "spec.replicas", false},
		{"Deployment", "a.x.b", true},
		{"Deployment", "a.x.c", true},
		{"Deployment", "a.y.c", false},
		{"Pod", "metadata.annotations.x", true},
		{"Pod", "spec.containers.0.resources", true},
		{"Pod", "spec.template", false},
		{"Pod", "spec.containers.0.readinessProbe.httpGet", true},
		{"Pod", "spec.containers.0.livenessProbe", false},
		{"Deployment", "spec.template.spec.containers.0.readinessProbe", false},
		{"Deployment", "spec.containers.0.readinessProbe", false},
		{"CronJob", "spec.jobTemplate.spec.template.spec.containers.0.resources", true},
		{"CronJob", "spec.template.spec.containers.0.resources", false},
	} {
		s, in := compileScope(c.kind, paths), true
		for _, key := range strings.Split(c.path, ".") {
			if s, in = s.under(key); !in {
				break
			}
		}
		if in != c.in {
			t.Errorf("%s %s: in scope %v, want %v", c.kind, c.path, in, c.in)
		}
	}
	if s, in := (*scope)(nil).under("anything"); s != nil || !in {
		t.Error("the nil scope is everywhere")
	}
}

// An inlined struct is listed among a type's fields in scope only when it
// holds one: the root of a Deployment's scope is asked for the fields of
// the Deployment alone, not of its TypeMeta too, so its memo holds.
func TestFieldsInListsAnInlinedStructWithFieldsInScope(t *testing.T) {
	deployment := reflect.TypeFor[appsv1.Deployment]()
	names := func(s *scope) (out []string) {
		for _, f := range s.fieldsIn(deployment) {
			if f.inline {
				out = append(out, "inline")
			} else {
				out = append(out, f.name)
			}
		}
		return out
	}
	if got := names(compileScope("Deployment", []string{"metadata.labels"})); !slices.Equal(got, []string{"metadata"}) {
		t.Errorf("fields in scope of metadata.labels: %v, want [metadata]", got)
	}
	if got := names(compileScope("Deployment", []string{"kind", "pod.metadata.labels"})); !slices.Equal(got, []string{"inline", "spec"}) {
		t.Errorf("fields in scope of kind and the pod's labels: %v, want [inline spec]", got)
	}
}
