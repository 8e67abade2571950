package validators_test

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// An EnvoyFilter is refused where the mesh is required (mesh.StrictMTLS,
// tested beside it, decides where), and admitted elsewhere.
func TestMeshEnvoyFilter(t *testing.T) {
	filter := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter",
		"metadata": map[string]any{"name": "plain"}, "spec": map[string]any{"configPatches": []any{}}}}
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	env.Namespace = policy.Namespace{Name: "shop", Labels: map[string]string{v1alpha1.LabelZone: "internal"}}
	got := validators.MeshEnvoyFilter{}.ValidateObject(context.Background(), filter, env)
	assertRules(t, got, "mesh-envoy-filter")
	if !got[0].Denies() || got[0].Field != "spec.configPatches" {
		t.Errorf("in a required zone: %+v", got[0])
	}
	env.Namespace.Labels[v1alpha1.LabelZone] = "public"
	assertRules(t, validators.MeshEnvoyFilter{}.ValidateObject(context.Background(), filter, env))
}
