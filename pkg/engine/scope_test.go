package engine

import (
	"strings"
	"testing"
)

// A compiled scope admits exactly the places under its paths, with "pod."
// at each kind's pod template and "*" matching any key beside named ones.
func TestScopeAdmitsWhatItsPathsName(t *testing.T) {
	paths := []string{"metadata.labels", "pod.metadata.annotations", "pod.spec.containers.*.resources", "pod.spec.containers.main.image", "a.*.b", "a.x.c"}
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
