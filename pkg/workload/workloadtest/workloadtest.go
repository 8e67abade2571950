// Package workloadtest builds workloads from YAML for tests.
package workloadtest

import (
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// FromYAML decodes a workload or fails the test.
func FromYAML(t testing.TB, doc string) *workload.Workload {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("yaml: %v", err)
	}
	var tm struct{ APIVersion, Kind string }
	if err := json.Unmarshal(js, &tm); err != nil {
		t.Fatal(err)
	}
	w, err := workload.FromJSON(tm.APIVersion, tm.Kind, js)
	if err != nil || w == nil {
		t.Fatalf("decode %s/%s: %v", tm.APIVersion, tm.Kind, err)
	}
	return w
}

// CappedPriority is the built-in policy with one tier, medium, the default,
// whose pods may run at priority maxPriority at most.
func CappedPriority(t testing.TB, maxPriority int32) *policy.Policy {
	t.Helper()
	return WithTiers(t, v1alpha1.TierPolicy{DefaultTier: "medium", Tiers: []v1alpha1.Tier{{Name: "medium", MaxPriority: &maxPriority}}})
}

// WithTiers is the built-in policy with tiers in place of its own.
func WithTiers(t testing.TB, tiers v1alpha1.TierPolicy) *policy.Policy {
	t.Helper()
	spec := policy.Default().Spec
	spec.Tiers = tiers
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// PolicyOf is the PlatformPolicy whose spec is the YAML spec, loaded as a
// platform team's file is (policy.Load): laid over the built-in policy,
// with a zero written kept.
func PolicyOf(t testing.TB, spec string) *policy.Policy {
	t.Helper()
	p, _, err := policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: "+spec+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Env is the built-in policy in a plain namespace.
func Env() policy.Env {
	return policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: "default"}}
}

// MeshEnv is Env with the built-in policy's mesh in the given mode.
func MeshEnv(t testing.TB, mode v1alpha1.MeshMode) policy.Env {
	t.Helper()
	env := Env()
	spec := env.Policy.Spec
	spec.Mesh.Mode = mode
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	env.Policy = p
	return env
}

// Deployment is a minimal Deployment with one container running image.
func Deployment(image string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "` + image + `"}]
`
}

// Served is a Deployment of the service name in namespace: labelled
// app.kubernetes.io/name, its one container with a port, so the mesh routes
// it.
func Served(name, namespace string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ` + name + `
  namespace: ` + namespace + `
  labels: {app.kubernetes.io/name: ` + name + `}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: ` + name + `}}
  template:
    metadata: {labels: {app.kubernetes.io/name: ` + name + `}}
    spec:
      containers: [{name: ` + name + `, image: "` + name + `:1", ports: [{containerPort: 8080}]}]
`
}

// ServedWithPorts is Served decoded, its container declaring n ports from
// 7000: more than an API's list of ports may hold, where n asks for it.
func ServedWithPorts(t testing.TB, name, namespace string, n int) *workload.Workload {
	t.Helper()
	w := FromYAML(t, Served(name, namespace))
	w.PodSpec.Containers[0].Ports = make([]corev1.ContainerPort, n)
	for i := range n {
		w.PodSpec.Containers[0].Ports[i] = corev1.ContainerPort{ContainerPort: int32(7000 + i)}
	}
	return w
}
