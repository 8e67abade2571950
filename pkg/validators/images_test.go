package validators_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestImages(t *testing.T) {
	cases := []struct {
		image      string
		registries []string
		wantRules  []string
	}{
		{"nginx:1.27", nil, nil},
		{"registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", nil, nil},
		{"nginx:latest", nil, []string{"image-pinned"}},
		{"registry.example.com/Team/app:1.0", nil, []string{"image-pinned"}}, // not a reference: upper case
		{"nginx", nil, []string{"image-pinned"}},
		{"localhost:5000/app", nil, []string{"image-pinned"}},
		{"Not A Ref", nil, []string{"image-pinned"}},
		{"registry.example.com/team/app:1.0", []string{"registry.example.com"}, nil},
		{"ghcr.io/acme/app:1.0", []string{"ghcr.io/acme"}, nil},
		{"ghcr.io/acmeevil/app:1.0", []string{"ghcr.io/acme"}, []string{"image-registry"}},
		{"nginx:1.27", []string{"registry.example.com"}, []string{"image-registry"}},
		{"nginx:1.27", []string{"docker.io/library"}, nil},
		{"evil.io/x:latest", []string{"registry.example.com"}, []string{"image-pinned", "image-registry"}},
	}
	// A memo smaller than the cases starts over while they run: each answer
	// must be the same with it, from it, and without it.
	refs := validators.NewImageRefs(3)
	for _, c := range cases {
		t.Run(c.image, func(t *testing.T) {
			w := workloadtest.FromYAML(t, workloadtest.Deployment(c.image))
			env := workloadtest.Env()
			spec := env.Policy.Spec
			spec.Images.AllowedRegistries = c.registries
			env.Policy, _ = policy.FromSpec(spec)
			got := validators.Images{}.Validate(context.Background(), w, env)
			assertRules(t, got, c.wantRules...)
			for range 2 {
				if memo := (validators.Images{Refs: refs}).Validate(context.Background(), w, env); !reflect.DeepEqual(memo, got) {
					t.Errorf("with the memo: %+v\nwithout: %+v", memo, got)
				}
			}
			for _, v := range got {
				if v.Field != "spec.template.spec.containers[0].image" || v.Fix == "" || v.Message == "" {
					t.Errorf("violation lacks field, message or fix: %+v", v)
				}
			}
		})
	}
}
