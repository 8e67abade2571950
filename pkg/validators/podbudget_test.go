package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestPodBudget(t *testing.T) {
	// The built-in policy: every namespace in tier medium, whose LimitRange
	// gives a container without its own 100m of cpu and 128Mi of memory as
	// requests, and 256Mi of memory as its limit.
	deployment := func(budget string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      resources: ` + budget + `
      initContainers: [{name: proxy, image: "x:1", restartPolicy: Always}]
      containers:
      - {name: web, image: "x:1"}
      - {name: cache, image: "x:1", resources: {requests: {cpu: 50m}, limits: {memory: 64Mi}}}
`
	}
	for _, tc := range []struct {
		name, budget string
		want         []string // fields
		message      string   // of the first
	}{
		// proxy 100m + web 100m + cache 50m = 250m.
		{"holds them", "{requests: {cpu: 250m, memory: 512Mi}, limits: {memory: 256Mi}}", nil, ""},
		{"a request too small", "{requests: {cpu: 200m}}", []string{"spec.template.spec.resources.requests.cpu"},
			"the namespace's LimitRange pave-tier gives each container that sets no cpu request 100m of it, and the pod's containers then ask for 250m, above the pod's request of 200m: the API server refuses every pod of it"},
		// proxy 128Mi + web 128Mi + cache 64Mi (its limit makes its request) = 320Mi.
		{"memory", "{requests: {memory: 256Mi}}", []string{"spec.template.spec.resources.requests.memory"}, ""},
		// web gets the 256Mi default limit, the cache has its own 64Mi.
		{"a limit too small", "{limits: {memory: 128Mi}}", []string{"spec.template.spec.containers[0].resources.limits.memory"},
			`the namespace's LimitRange pave-tier gives container "web", which sets no memory limit, one of 256Mi, above the pod's limit of 128Mi: the API server refuses every pod of it`},
		// Refused as written (the cache's own 50m): the API server says so itself.
		{"refused as written", "{requests: {cpu: 40m}}", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, deployment(tc.budget))
			env := workloadtest.Env()
			got := validators.PodBudget{}.Validate(context.Background(), w, env)
			rules := make([]string, len(tc.want))
			for i := range rules {
				rules[i] = "pod-budget"
			}
			assertRules(t, got, rules...)
			for i, f := range tc.want {
				if got[i].Field != f {
					t.Errorf("field %s, want %s", got[i].Field, f)
				}
			}
			if tc.message != "" && got[0].Message != tc.message {
				t.Errorf("message %q\nwant    %q", got[0].Message, tc.message)
			}
			// Without a tier there is no LimitRange to default anything (the
			// cache's 64Mi limit, its request once created, fits every budget).
			env.Policy.Spec.Tiers.DefaultTier = quota.NoTier
			assertRules(t, validators.PodBudget{}.Validate(context.Background(), w, env))
		})
	}
}

// A limit without a request becomes the request when each pod is created,
// in any namespace: the template passes, every pod would not.
func TestPodBudgetCountsALimitAsTheRequest(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      resources: {requests: {cpu: 100m}}
      containers: [{name: web, image: "x:1", resources: {limits: {cpu: 500m}}}]
`)
	env := workloadtest.Env()
	env.Policy.Spec.Tiers.DefaultTier = quota.NoTier
	got := validators.PodBudget{}.Validate(context.Background(), w, env)
	assertRules(t, got, "pod-budget")
	if want := "the API server makes the request of a container that sets a cpu limit and no request its limit, and the pod's containers then ask for 500m, above the pod's request of 100m: it refuses every pod of it"; got[0].Message != want {
		t.Errorf("message %q\nwant    %q", got[0].Message, want)
	}
}
