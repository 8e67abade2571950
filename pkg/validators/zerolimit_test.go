package validators_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A limit of 0 passes the API server, the LimitRange and the quota, and the
// kubelet runs it as none: refused wherever the platform limits the
// resource, in any of the forms a quantity of 0 takes, for containers and
// native sidecars alike.
func TestZeroLimitIsNoLimit(t *testing.T) {
	for _, c := range []struct{ resources, field, fix string }{
		{`{limits: {memory: "0"}}`, "spec.template.spec.containers[0].resources.limits.memory", "remove resources.limits.memory to get the default of 256Mi"},
		{`{requests: {memory: "0"}, limits: {memory: 0Mi}}`, "spec.template.spec.containers[0].resources.limits.memory", "remove resources.limits.memory"},
		{`{limits: {memory: "0.0"}}`, "spec.template.spec.containers[0].resources.limits.memory", "remove resources.limits.memory"},
		{`{limits: {memory: 0e3}}`, "spec.template.spec.containers[0].resources.limits.memory", "remove resources.limits.memory"},
		{`{limits: {memory: 1Mi}}`, "", ""},
		{`{requests: {memory: "0", cpu: "0"}}`, "", ""}, // a request of 0 bounds nothing
		// The built-in policy limits no cpu: a zero is the same as no limit,
		// which it allows.
		{`{limits: {cpu: "0"}}`, "", ""},
		{`{limits: {nvidia.com/gpu: "0"}}`, "", ""},
	} {
		w := workloadtest.FromYAML(t, strings.Replace(workloadtest.Deployment("x:1"), `[{name: web, image: "x:1"}]`, `[{name: web, image: "x:1", resources: `+c.resources+`}]`, 1))
		got := validators.ZeroLimit{}.Validate(context.Background(), w, workloadtest.Env())
		switch {
		case c.field == "" && len(got) > 0:
			t.Errorf("%s: %+v, want none", c.resources, got)
		case c.field != "" && (len(got) != 1 || got[0].Field != c.field || got[0].Rule != "zero-limit" || !strings.HasPrefix(got[0].Fix, c.fix)):
			t.Errorf("%s: %+v, want one zero-limit finding at %s with fix %q", c.resources, got, c.field, c.fix)
		}
	}

	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: proxy, image: "x:1", restartPolicy: Always, resources: {limits: {memory: "0"}}}]
  containers: [{name: web, image: "x:1"}]`)
	got := validators.ZeroLimit{}.Validate(context.Background(), w, workloadtest.Env())
	if len(got) != 1 || got[0].Field != "spec.initContainers[0].resources.limits.memory" {
		t.Fatalf("%+v, want the sidecar's zero", got)
	}
	if want := `container "proxy" has a memory limit of 0, which the kubelet runs as no limit at all, so it may take all of its node's memory: it escapes the policy's default limit of 256Mi, tier "medium"'s maximum of 16Gi a container and the namespace's quota of 64Gi on limits.memory (which counts it as 0)`; got[0].Message != want {
		t.Errorf("message %q\nwant %q", got[0].Message, want)
	}
}

// What the platform limits decides: without a default limit, a tier's
// maximum or its quota on limits of cpu, a cpu limit of 0 is allowed; with
// only the quota, the finding names the quota and the fix cannot point at a
// default.
func TestZeroLimitWhereThePlatformLimits(t *testing.T) {
	w := workloadtest.FromYAML(t, strings.Replace(workloadtest.Deployment("x:1"), `[{name: web, image: "x:1"}]`, `[{name: web, image: "x:1", resources: {limits: {cpu: "0", memory: "0"}}}]`, 1))
	env := workloadtest.Env()
	env.Policy.Spec.Tiers.Tiers[1].Quota["limits.cpu"] = resource.MustParse("32")
	got := validators.ZeroLimit{}.Validate(context.Background(), w, env)
	if len(got) != 2 || got[0].Field != "spec.template.spec.containers[0].resources.limits.cpu" ||
		!strings.HasSuffix(got[0].Message, "escapes the namespace's quota of 32 on limits.cpu (which counts it as 0)") ||
		got[0].Fix != "set resources.limits.cpu to what the container needs" {
		t.Fatalf("%+v, want the cpu zero judged by the quota, then the memory zero", got)
	}

	// No tier, no quota, no LimitRange: the policy's default limit still
	// makes a zero memory limit a way around it.
	env = workloadtest.Env()
	env.Policy.Spec.Tiers.DefaultTier = quota.NoTier
	got = validators.ZeroLimit{}.Validate(context.Background(), w, env)
	if len(got) != 1 || !strings.HasSuffix(got[0].Message, "escapes the policy's default limit of 256Mi") {
		t.Fatalf("%+v, want the memory zero only, past the default", got)
	}
	env.Policy.Spec.Resources.DefaultLimits = nil
	if got := (validators.ZeroLimit{}).Validate(context.Background(), w, env); len(got) != 0 {
		t.Fatalf("%+v, want none where nothing limits either", got)
	}
}

// A pod-level limit of 0 leaves every container of the pod unbounded where
// no LimitRange gives them limits. Taken out, it gives way to the default
// only where the pod budgets no request of the resource. In a tier whose
// LimitRange gives each container a default limit, every pod would be
// refused instead: pod-budget says so, and zero-limit says nothing more;
// but a quota on limits of a resource nothing defaults counts the pod's 0.
func TestZeroLimitAtPodLevel(t *testing.T) {
	podLevel := func(resources string) *workload.Workload {
		return workloadtest.FromYAML(t, strings.Replace(workloadtest.Deployment("x:1"), `containers:`, `resources: `+resources+`
      containers:`, 1))
	}
	untiered := workloadtest.Env()
	untiered.Policy.Spec.Tiers.DefaultTier = quota.NoTier
	for _, c := range []struct{ resources, fix string }{
		{`{limits: {memory: "0"}}`, "remove spec.resources.limits.memory to get the default of 256Mi, or set it to what the pod needs"},
		{`{requests: {memory: 1Gi}, limits: {memory: "0"}}`, "set spec.resources.limits.memory to what the pod needs"},
	} {
		got := validators.ZeroLimit{}.Validate(context.Background(), podLevel(c.resources), untiered)
		if len(got) != 1 || got[0].Field != "spec.template.spec.resources.limits.memory" || got[0].Fix != c.fix ||
			got[0].Message != "the pod (spec.resources) has a memory limit of 0, which the kubelet runs as no limit at all, so it may take all of its node's memory: it escapes the policy's default limit of 256Mi" {
			t.Errorf("%s: %+v, want the pod's zero with fix %q", c.resources, got, c.fix)
		}
	}

	w := podLevel(`{limits: {memory: "0", cpu: "0"}}`)
	tiered := workloadtest.Env()
	if got := (validators.ZeroLimit{}).Validate(context.Background(), w, tiered); len(got) != 0 {
		t.Errorf("%+v, want none where the LimitRange's defaults get the pods refused", got)
	}
	if got := (validators.PodBudget{}).Validate(context.Background(), w, tiered); len(got) != 1 ||
		got[0].Fix != "raise resources.limits.memory to 256Mi or more, or take it out: the kubelet reads a limit of 0 as none" {
		t.Errorf("%+v: pod-budget does not say the pods are refused, or asks for a container limit of 0", got)
	}
	tiered.Policy.Spec.Tiers.Tiers[1].Quota["limits.cpu"] = resource.MustParse("32")
	got := validators.ZeroLimit{}.Validate(context.Background(), w, tiered)
	if len(got) != 1 || got[0].Field != "spec.template.spec.resources.limits.cpu" ||
		!strings.HasSuffix(got[0].Message, "it escapes the namespace's quota of 32 on limits.cpu (which counts it as 0)") {
		t.Errorf("%+v, want the pod's cpu zero, past the quota alone", got)
	}
}
