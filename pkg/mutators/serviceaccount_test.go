package mutators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestServiceAccountToken(t *testing.T) {
	on, off := true, false
	cases := []struct {
		name    string
		field   string // automountServiceAccountToken in the pod spec, or ""
		policy  *bool
		want    *bool
		changed bool
	}{
		{"unset: turned off", "", &off, &off, true},
		{"asked for explicitly: kept", "true", &off, &on, false},
		{"explicitly off: kept", "false", &off, &off, false},
		{"policy leaves tokens on: untouched", "", &on, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x:1}]\n"
			if c.field != "" {
				doc += "  automountServiceAccountToken: " + c.field + "\n"
			}
			w := workloadtest.FromYAML(t, doc)
			env := workloadtest.Env()
			spec := env.Policy.Spec
			spec.Security.AutomountServiceAccountToken = c.policy
			p, err := policy.FromSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			env.Policy = p
			changed, err := mutators.ServiceAccountToken{}.Mutate(context.Background(), w, env)
			if err != nil || changed != c.changed {
				t.Fatalf("changed=%v err=%v, want %v", changed, err, c.changed)
			}
			got := w.PodSpec.AutomountServiceAccountToken
			if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
				t.Fatalf("automountServiceAccountToken = %v, want %v", deref(got), deref(c.want))
			}
		})
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
