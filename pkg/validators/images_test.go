package validators_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
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

// An image volume is pulled like a container's image: pinned, and from an
// allowed registry, or denied at its own field.
func TestImageVolumes(t *testing.T) {
	const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: app, image: "registry.example.com/team/app:1.0"}]
          volumes:
          - {name: scratch, emptyDir: {}}
          - name: model
            image: {reference: %q}
`
	const field = "spec.jobTemplate.spec.template.spec.volumes[1].image.reference"
	for _, c := range []struct {
		reference string
		wantRules []string
	}{
		{"registry.example.com/models/llm:2.1", nil},
		{"registry.example.com/models/llm:latest", []string{"image-pinned"}},
		{"registry.example.com/models/llm", []string{"image-pinned"}},
		{"evil.io/models/llm:2.1", []string{"image-registry"}},
		{"evil.io/models/llm", []string{"image-pinned", "image-registry"}},
	} {
		t.Run(c.reference, func(t *testing.T) {
			w := workloadtest.FromYAML(t, fmt.Sprintf(cronJob, c.reference))
			env := workloadtest.Env()
			spec := env.Policy.Spec
			spec.Images.AllowedRegistries = []string{"registry.example.com"}
			env.Policy, _ = policy.FromSpec(spec)
			got := validators.Images{}.Validate(context.Background(), w, env)
			assertRules(t, got, c.wantRules...)
			for _, v := range got {
				if v.Field != field || !strings.Contains(v.Message, `image volume "model"`) {
					t.Errorf("violation at %s: %s; want it at %s, naming the volume", v.Field, v.Message, field)
				}
			}
		})
	}
}

// Istio's gateway chart writes image "auto" on its istio-proxy container,
// for Istio's injector to fill in at each Pod's creation: the template is
// not judged for it where Istio injects the pods, and the Pod is judged
// with the image Istio gave it. Where nothing fills it in, the finding says
// so rather than asking to pin "auto".
func TestImagesLeaveIstiosPlaceholder(t *testing.T) {
	const template = `apiVersion: apps/v1
kind: Deployment
metadata: {name: gw}
spec:
  template:
    metadata: {labels: {%s}}
    spec: {containers: [{name: %s, image: auto}]}`
	for _, tc := range []struct {
		name, doc string
		namespace map[string]string
		want      string // in the finding's message, or "" for none
	}{
		{"labelled for Istio's injector", fmt.Sprintf(template, `sidecar.istio.io/inject: "true"`, "istio-proxy"), nil, ""},
		{"in a namespace Istio injects", fmt.Sprintf(template, `app: gw`, "istio-proxy"), map[string]string{"istio-injection": "enabled"}, ""},
		{"switched off in a namespace Istio injects", fmt.Sprintf(template, `sidecar.istio.io/inject: "false"`, "istio-proxy"),
			map[string]string{"istio-injection": "enabled"}, "it does not inject these pods"},
		{"nothing injects the pods", fmt.Sprintf(template, `app: gw`, "istio-proxy"), nil, "it does not inject these pods"},
		{"another container's auto is an image without a tag", fmt.Sprintf(template, `sidecar.istio.io/inject: "true"`, "app"), nil, "has no tag"},
		{"a Pod Istio did not inject", `apiVersion: v1
kind: Pod
metadata: {name: gw-1, labels: {sidecar.istio.io/inject: "true"}}
spec: {containers: [{name: istio-proxy, image: auto}]}`, nil, "this Pod came through without it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, tc.doc)
			env := workloadtest.Env()
			env.Namespace.Labels = tc.namespace
			got := validators.Images{}.Validate(context.Background(), w, env)
			if tc.want == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "image-pinned")
			if !strings.Contains(got[0].Message, tc.want) || got[0].Fix == "" || !strings.HasSuffix(got[0].Field, "containers[0].image") {
				t.Errorf("finding %+v, want %q in its message, a fix and the image's field", got[0], tc.want)
			}
		})
	}
}
