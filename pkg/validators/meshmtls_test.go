package validators_test

import (
	"cmp"
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// In the mesh's required zones a team's PeerAuthentication takes only
// mutual TLS: Istio lets a workload's or a port's override the namespace's
// STRICT one pave writes. Elsewhere, or with the mesh off, it is the team's.
func TestMeshMTLS(t *testing.T) {
	cases := []struct {
		name, spec, zone string
		mode             v1alpha1.MeshMode
		fields           []string
	}{
		{name: "a workload's PERMISSIVE", spec: "{selector: {matchLabels: {app: web}}, mtls: {mode: PERMISSIVE}}", fields: []string{"spec.mtls.mode"}},
		{name: "a port's DISABLE", spec: "{selector: {matchLabels: {app: web}}, portLevelMtls: {'9090': {mode: DISABLE}, '8080': {mode: STRICT}}}", fields: []string{"spec.portLevelMtls[9090].mode"}},
		{name: "namespace-wide DISABLE", spec: "{mtls: {mode: DISABLE}}", fields: []string{"spec.mtls.mode"}},
		{name: "namespace-wide without a mode", spec: "{}", fields: []string{"spec.mtls.mode"}},
		{name: "in delegate mode too", spec: "{mtls: {mode: PERMISSIVE}}", mode: v1alpha1.MeshDelegate, fields: []string{"spec.mtls.mode"}},

		{name: "STRICT", spec: "{mtls: {mode: STRICT}}"},
		// Without a mode, a workload's inherits the namespace's STRICT.
		{name: "a workload's without a mode", spec: "{selector: {matchLabels: {app: web}}, mtls: {mode: UNSET}}"},
		{name: "in a zone that does not require the mesh", spec: "{mtls: {mode: PERMISSIVE}}", zone: "public"},
		{name: "with the mesh off", spec: "{mtls: {mode: PERMISSIVE}}", mode: v1alpha1.MeshOff},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := &unstructured.Unstructured{}
			doc := "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: team, namespace: shop}\nspec: " + c.spec
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
				t.Fatal(err)
			}
			mode := c.mode
			if mode == "" {
				mode = v1alpha1.MeshIstio
			}
			env := workloadtest.MeshEnv(t, mode)
			env.Namespace = policy.Namespace{Name: "shop", Labels: map[string]string{v1alpha1.LabelZone: cmp.Or(c.zone, "internal")}}
			got := validators.MeshMTLS{}.ValidateObject(context.Background(), u, env)
			if len(got) != len(c.fields) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(c.fields), got)
			}
			for i, v := range got {
				if v.Rule != "mesh-mtls" || v.Field != c.fields[i] || !v.Denies() || !strings.Contains(v.Fix, "zone internal requires mutual TLS") {
					t.Errorf("finding %d: %+v, want a denial of %s", i, v, c.fields[i])
				}
			}
		})
	}
}
