package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestContainerMax(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers: [{name: setup, image: "x:1", resources: {requests: {memory: 5Gi}}}]
      containers:
      - {name: web, image: "x:1", resources: {requests: {memory: 1Gi}, limits: {memory: 20Gi}}}
      - {name: side, image: "x:1", resources: {requests: {memory: 4Gi}, limits: {memory: 4Gi}}}
`)
	env := workloadtest.Env() // the built-in tiers: medium by default, at most 16Gi of memory a container

	got := validators.ContainerMax{}.Validate(context.Background(), w, env)
	assertRules(t, got, "container-max")
	if want := "spec.template.spec.containers[0].resources.limits.memory"; got[0].Field != want {
		t.Errorf("field %s, want %s", got[0].Field, want)
	}
	if want := `container "web" limits 20Gi of memory, above 16Gi, the most a container may have in tier "medium": the namespace's LimitRange pave-tier refuses every pod of it`; got[0].Message != want {
		t.Errorf("message %q\nwant %q", got[0].Message, want)
	}

	// The namespace's tier decides: in small (4Gi) the init container's
	// request is above it too, and the 4Gi container is not.
	env.Namespace.Labels = map[string]string{v1alpha1.LabelTier: "small"}
	got = validators.ContainerMax{}.Validate(context.Background(), w, env)
	assertRules(t, got, "container-max", "container-max")
	if want := "spec.template.spec.initContainers[0].resources.requests.memory"; got[1].Field != want {
		t.Errorf("field %s, want %s", got[1].Field, want)
	}
	env.Namespace.Labels = map[string]string{v1alpha1.LabelTier: "large"}
	assertRules(t, validators.ContainerMax{}.Validate(context.Background(), w, env))

	// Without a tier there is no LimitRange to refuse anything.
	env.Namespace.Labels = nil
	env.Policy.Spec.Tiers.DefaultTier = quota.NoTier
	assertRules(t, validators.ContainerMax{}.Validate(context.Background(), w, env))
}
