package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestMeshFinalState(t *testing.T) {
	sidecar := `initContainers: [{name: istio-proxy, image: "proxy:1", restartPolicy: Always}], `
	cases := []struct {
		name, mode, zone, spec, annotations string
		want                                []string
	}{
		{"injected in a required zone", "istio", "internal", sidecar, "", nil},
		{"stripped in a required zone", "istio", "internal", "", "", []string{"mesh-sidecar"}},
		{"no sidecar outside the required zones", "istio", "public", "", "", nil},
		{"opt-out in a required zone", "istio", "restricted", "", `, annotations: {pave.dev/inject: "false"}`, []string{"mesh-sidecar"}},
		{"opt-out outside", "istio", "public", "", `, annotations: {pave.dev/inject: "false"}`, nil},
		{"hostNetwork is exempt", "istio", "internal", "hostNetwork: true, ", "", nil},
		{"delegate without the label", "delegate", "internal", "", "", []string{"mesh-sidecar"}},
		{"mesh off", "off", "internal", "", "", nil},
		{"cilium has no sidecar to check", "cilium", "internal", "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {pave.dev/zone: "+c.zone+"}"+c.annotations+"}\nspec: {"+c.spec+"containers: [{name: c, image: 'x:1'}]}")
			env := workloadtest.Env()
			spec := env.Policy.Spec
			spec.Mesh.Mode = v1alpha1.MeshMode(c.mode)
			p, err := policy.FromSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			env.Policy = p
			assertRules(t, validators.Mesh{}.Validate(context.Background(), w, env), c.want...)
		})
	}
}
