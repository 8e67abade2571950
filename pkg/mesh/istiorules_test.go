package mesh_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func vs(name string, gateways []string, hosts ...string) policy.IstioRule {
	return policy.IstioRule{Kind: mesh.KindVirtualService, Name: name, Hosts: hosts, Gateways: gateways}
}

func dr(name, host string, trafficPolicy, selective bool) policy.IstioRule {
	return policy.IstioRule{Kind: mesh.KindDestinationRule, Name: name, Hosts: []string{host}, TrafficPolicy: trafficPolicy, Selective: selective}
}

func TestTeamRules(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
	cases := []struct {
		name   string
		rules  []policy.IstioRule
		vs, dr string
	}{
		{name: "none"},
		{name: "short name", rules: []policy.IstioRule{vs("web", nil, "web")}, vs: "web"},
		{name: "full name", rules: []policy.IstioRule{vs("web", nil, "web.shop.svc.cluster.local")}, vs: "web"},
		{name: "bound to the mesh among gateways", rules: []policy.IstioRule{vs("web", []string{"shop/gw", "mesh"}, "web")}, vs: "web"},
		// An ingress gateway's VirtualServices merge; the sidecars use pave's.
		{name: "bound to a gateway only", rules: []policy.IstioRule{vs("web", []string{"shop/gw"}, "web")}},
		// Istio reads a name with a dot as written: not this service.
		{name: "partly qualified", rules: []policy.IstioRule{vs("web", nil, "web.shop")}},
		{name: "another service", rules: []policy.IstioRule{vs("api", nil, "api")}},
		// The most specific host wins in Istio: a wildcard leaves pave's be.
		{name: "wildcard", rules: []policy.IstioRule{vs("all", nil, "*.shop.svc.cluster.local", "*")}},
		{name: "first by name", rules: []policy.IstioRule{vs("web-b", nil, "web"), vs("web-a", nil, "api", "web")}, vs: "web-a"},
		{name: "rule with a traffic policy", rules: []policy.IstioRule{dr("web", "web", true, false)}, dr: "web"},
		{name: "rule of subsets only", rules: []policy.IstioRule{dr("web", "web", false, false)}},
		{name: "rule for selected callers", rules: []policy.IstioRule{dr("web", "web", true, true)}},
		{name: "both", rules: []policy.IstioRule{dr("web-dr", "web.shop.svc.cluster.local", true, false), vs("web-vs", nil, "web")}, vs: "web-vs", dr: "web-dr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
			env.IstioRules = c.rules
			gotVS, gotDR := mesh.TeamRules(w, env)
			if gotVS != c.vs || gotDR != c.dr {
				t.Errorf("TeamRules = %q, %q; want %q, %q", gotVS, gotDR, c.vs, c.dr)
			}
		})
	}
}
