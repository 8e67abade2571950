package validators_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

func meshRoutes(t *testing.T, doc string) []policy.Violation {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatal(err)
	}
	env := policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: "team2"}}
	return validators.MeshRoutes{}.ValidateObject(context.Background(), u, env)
}

// A team's VirtualService for the sidecars, or ServiceEntry, that other
// namespaces see takes no host beyond its own namespace's Services: Istio
// would send other teams' calls to it through the team's routes (Istio's
// advisory of March 2026, a man in the middle mutual TLS does not stop).
func TestMeshRoutes(t *testing.T) {
	cases := []struct {
		name, doc string
		fields    []string
	}{
		{name: "another namespace's Service, exported everywhere", doc: `
kind: VirtualService
metadata: {name: steal, namespace: team2}
spec:
  hosts: [orders.shop.svc.cluster.local]
  http: [{route: [{destination: {host: thief.team2.svc.cluster.local}}]}]`, fields: []string{"spec.hosts[0]"}},
		{name: "bound to the mesh beside a gateway", doc: `
kind: VirtualService
metadata: {name: steal, namespace: team2}
spec: {gateways: [team2/gw, mesh], hosts: [orders.shop, web]}`, fields: []string{"spec.hosts[0]"}},
		{name: "an external host, exported everywhere", doc: `
kind: VirtualService
metadata: {name: egress, namespace: team2}
spec: {hosts: [api.stripe.com]}`, fields: []string{"spec.hosts[0]"}},
		{name: "a wildcard over every host", doc: `
kind: VirtualService
metadata: {name: all, namespace: team2}
spec: {hosts: ["*", "*.svc.cluster.local"]}`, fields: []string{"spec.hosts[0]", "spec.hosts[1]"}},
		{name: "exported to another namespace too", doc: `
kind: VirtualService
metadata: {name: steal, namespace: team2}
spec: {exportTo: [".", shop], hosts: [orders.shop.svc.cluster.local]}`, fields: []string{"spec.hosts[0]"}},
		{name: "a ServiceEntry of an external host, exported everywhere", doc: `
kind: ServiceEntry
metadata: {name: stripe, namespace: team2}
spec: {hosts: [api.stripe.com], location: MESH_EXTERNAL, resolution: DNS}`, fields: []string{"spec.hosts[0]"}},
		{name: "a ServiceEntry taking another namespace's Service", doc: `
kind: ServiceEntry
metadata: {name: steal, namespace: team2}
spec: {hosts: [orders.shop.svc.cluster.local], resolution: STATIC, endpoints: [{address: 10.0.0.9}]}`, fields: []string{"spec.hosts[0]"}},

		{name: "its own Services in every form", doc: `
kind: VirtualService
metadata: {name: own, namespace: team2}
spec: {hosts: [web, web.team2, web.team2.svc, web.team2.svc.cluster.local, "*.team2.svc.cluster.local", API.Team2.svc.cluster.local]}`},
		{name: "kept to its namespace", doc: `
kind: VirtualService
metadata: {name: egress, namespace: team2}
spec: {exportTo: ["."], hosts: [api.stripe.com, orders.shop.svc.cluster.local]}`},
		{name: "kept to its namespace by name", doc: `
kind: ServiceEntry
metadata: {name: stripe, namespace: team2}
spec: {exportTo: [team2], hosts: [api.stripe.com]}`},
		{name: "exported nowhere", doc: `
kind: ServiceEntry
metadata: {name: stripe, namespace: team2}
spec: {exportTo: ["~"], hosts: [api.stripe.com]}`},
		// An ingress gateway's VirtualService programs the gateway, not the
		// callers' sidecars.
		{name: "bound to a gateway only", doc: `
kind: VirtualService
metadata: {name: public, namespace: team2}
spec: {gateways: [istio-ingress/public], hosts: [shop.example.com]}`},
		// The platform team's egress gateway routes, in the mesh's namespace.
		{name: "in the mesh's own namespace", doc: `
kind: VirtualService
metadata: {name: egress, namespace: istio-system}
spec: {gateways: [istio-egressgateway, mesh], hosts: [api.stripe.com]}`},
		{name: "no namespace: the request's", doc: `
kind: VirtualService
metadata: {name: own}
spec: {hosts: [web.team2.svc.cluster.local]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := meshRoutes(t, "apiVersion: networking.istio.io/v1\n"+strings.TrimPrefix(c.doc, "\n"))
			if len(got) != len(c.fields) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(c.fields), got)
			}
			for i, v := range got {
				if v.Rule != "mesh-routes" || v.Field != c.fields[i] || !v.Denies() {
					t.Errorf("finding %d: %+v, want a denial of %s", i, v, c.fields[i])
				}
				if !strings.Contains(v.Fix, `spec.exportTo: ["."]`) || !strings.Contains(v.Message, "other teams' workloads") {
					t.Errorf("finding %d says %q; fix %q", i, v.Message, v.Fix)
				}
			}
		})
	}
}
