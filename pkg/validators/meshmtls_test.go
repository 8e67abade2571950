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

// On the calling side, a DestinationRule of a namespace that takes only
// mutual TLS sends no Service of the cluster plaintext, at any level;
// origination to a host outside the cluster is not the mesh's.
func TestMeshMTLSOfDestinationRules(t *testing.T) {
	cases := []struct {
		name, spec string
		fields     []string
	}{
		{name: "the team's own Service", spec: "{host: web, trafficPolicy: {tls: {mode: DISABLE}}}", fields: []string{"spec.trafficPolicy.tls.mode"}},
		{name: "another namespace's, by port", spec: "{host: orders.shop.svc.cluster.local, trafficPolicy: {portLevelSettings: [{port: {number: 80}, tls: {mode: ISTIO_MUTUAL}}, {port: {number: 8080}, tls: {mode: DISABLE}}]}}",
			fields: []string{"spec.trafficPolicy.portLevelSettings[1].tls.mode"}},
		{name: "a subset", spec: "{host: web, subsets: [{name: v1, labels: {v: '1'}, trafficPolicy: {tls: {mode: DISABLE}}}]}", fields: []string{"spec.subsets[0].trafficPolicy.tls.mode"}},
		{name: "every Service", spec: "{host: '*.svc.cluster.local', trafficPolicy: {tls: {mode: DISABLE}}}", fields: []string{"spec.trafficPolicy.tls.mode"}},
		{name: "every host", spec: "{host: '*', trafficPolicy: {tls: {mode: DISABLE}}}", fields: []string{"spec.trafficPolicy.tls.mode"}},

		{name: "mutual TLS", spec: "{host: web, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}"},
		{name: "no TLS setting: Istio's auto mTLS", spec: "{host: web, trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}}"},
		{name: "a host outside the cluster", spec: "{host: api.example.com, trafficPolicy: {tls: {mode: DISABLE}}}"},
		{name: "a wildcard outside the cluster", spec: "{host: '*.example.com', trafficPolicy: {tls: {mode: DISABLE}}}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := &unstructured.Unstructured{}
			doc := "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: team, namespace: shop}\nspec: " + c.spec
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
				t.Fatal(err)
			}
			env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
			env.Namespace = policy.Namespace{Name: "shop", Labels: map[string]string{v1alpha1.LabelZone: "internal"}}
			got := validators.MeshMTLS{}.ValidateObject(context.Background(), u, env)
			if len(got) != len(c.fields) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(c.fields), got)
			}
			for i, v := range got {
				if v.Rule != "mesh-mtls" || v.Field != c.fields[i] || !v.Denies() || !strings.Contains(v.Fix, "remove the tls setting") {
					t.Errorf("finding %d: %+v, want a denial of %s", i, v, c.fields[i])
				}
			}
			env.Namespace.Labels[v1alpha1.LabelZone] = "public"
			if got := (validators.MeshMTLS{}).ValidateObject(context.Background(), u, env); len(got) != 0 {
				t.Errorf("outside the required zones: %+v", got)
			}
		})
	}
}
