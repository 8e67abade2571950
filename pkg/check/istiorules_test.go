package check_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

const meshedWeb = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {pave.dev/team: shop}}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: web}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web}}
    spec:
      containers: [{name: web, image: "registry.example.com/shop/web:1.0", ports: [{containerPort: 8080}]}]
`

// pave check reads the input's VirtualServices and DestinationRules, in any
// version Istio serves, as the controller reads the cluster's: pave's own
// step aside for the team's of the same service (istio.TeamRules), and only
// in that namespace.
func TestCheckLeavesTheServiceToTheTeamsIstioRules(t *testing.T) {
	eng := istioEngine(t)
	companionsOf := func(extra string) []string {
		t.Helper()
		rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(meshedWeb + extra)}},
			check.Options{Engine: eng, DefaultNamespace: "shop"})
		if len(rep.Errors) > 0 || len(rep.Objects) == 0 {
			t.Fatalf("errors %v", rep.Errors)
		}
		return rep.Objects[0].Companions
	}
	const vs, dr = "VirtualService shop/pave-web", "DestinationRule shop/pave-web"
	if got := companionsOf(""); !slices.Contains(got, vs) || !slices.Contains(got, dr) {
		t.Fatalf("without the team's: %v", got)
	}
	got := companionsOf(`---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web]
  http: [{route: [{destination: {host: web}}]}]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: web}
spec:
  host: web.shop.svc.cluster.local
  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
`)
	if slices.Contains(got, vs) || slices.Contains(got, dr) {
		t.Errorf("pave's beside the team's: %v", got)
	}
	got = companionsOf(`---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: other}
spec:
  hosts: [web]
`)
	if !slices.Contains(got, vs) {
		t.Errorf("another namespace's VirtualService of its own web took pave's away: %v", got)
	}
}

// pave check judges an Istio object written in an older version as the
// webhook is sent it, in v1 (matchPolicy Equivalent).
func TestCheckJudgesIstiosOlderVersionsAsV1(t *testing.T) {
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{"v1", "v1beta1", "v1alpha3"} {
		doc := "apiVersion: networking.istio.io/" + version + `
kind: VirtualService
metadata: {name: steal, namespace: team2}
spec:
  hosts: [orders.shop.svc.cluster.local]
  http: [{route: [{destination: {host: thief}}]}]
`
		rep := check.Run(context.Background(), []manifest.Input{{Source: "vs.yaml", Data: []byte(doc)}}, check.Options{Engine: eng})
		if len(rep.Errors) > 0 || len(rep.Objects) != 1 {
			t.Fatalf("%s: errors %v", version, rep.Errors)
		}
		o := rep.Objects[0]
		if o.Allowed || len(o.Violations) != 1 || o.Violations[0].Rule != "mesh-routes" {
			t.Errorf("%s: allowed %v, findings %+v", version, o.Allowed, o.Violations)
		}
	}
}

// An EnvoyFilter, which Istio serves in v1alpha3 only, is judged in that
// version: refused where the mesh is required.
func TestCheckJudgesEnvoyFilters(t *testing.T) {
	eng := istioEngine(t)
	doc := "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: plain, namespace: shop}\nspec: {configPatches: []}\n"
	env := policy.Env{Namespace: policy.Namespace{Labels: map[string]string{v1alpha1.LabelZone: "internal"}}}
	rep := check.Run(context.Background(), []manifest.Input{{Source: "ef.yaml", Data: []byte(doc)}}, check.Options{Engine: eng, Env: env})
	if len(rep.Errors) > 0 || len(rep.Objects) != 1 {
		t.Fatalf("errors %v", rep.Errors)
	}
	if o := rep.Objects[0]; o.Allowed || len(o.Violations) != 1 || o.Violations[0].Rule != "mesh-envoy-filter" {
		t.Errorf("allowed %v, findings %+v", o.Allowed, o.Violations)
	}
}

// istioEngine is the engine of the built-in policy with the mesh in istio
// mode.
func istioEngine(t *testing.T) *engine.Engine {
	t.Helper()
	spec := policy.Default().Spec
	spec.Mesh.Mode = v1alpha1.MeshIstio
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := companions.Engine(p)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// Two teams' VirtualServices of one host on an ingress gateway, in one
// input, are both denied (rule ingress-host), as the cluster would deny
// the second; a short host is read in the namespace the input gives it.
func TestCheckJudgesGatewayVirtualServicesAcrossTeams(t *testing.T) {
	vs := func(version, ns, name, host string) string {
		meta := "{name: " + name + "}"
		if ns != "" {
			meta = "{name: " + name + ", namespace: " + ns + "}"
		}
		return "apiVersion: networking.istio.io/" + version + "\nkind: VirtualService\nmetadata: " + meta + "\n" +
			"spec: {hosts: [" + host + "], gateways: [istio-system/public], http: [{route: [{destination: {host: web}}]}]}\n"
	}
	namespace := "apiVersion: v1\nkind: Namespace\nmetadata: {name: pay, labels: {pave.dev/team: pay}}\n---\n" +
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {pave.dev/team: shop}}\n"
	docs := []string{namespace, vs("v1", "shop", "storefront", "shop.example.com"), vs("v1beta1", "pay", "steal", "SHOP.example.com"),
		vs("v1", "", "web", "web"), vs("v1", "pay", "call", "web.shop.svc.cluster.local")}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	rep := check.Run(context.Background(), []manifest.Input{{Source: "vs.yaml", Data: []byte(strings.Join(docs, "---\n"))}},
		check.Options{Engine: eng, DefaultNamespace: "shop"})
	if len(rep.Errors) > 0 {
		t.Fatalf("errors %v", rep.Errors)
	}
	denied := map[string]string{}
	for _, o := range rep.Objects {
		for _, v := range o.Violations {
			if v.Rule == "ingress-host" {
				denied[o.Namespace+"/"+o.Name] = v.Field
			}
		}
	}
	want := map[string]string{"shop/storefront": "spec.hosts[0]", "pay/steal": "spec.hosts[0]", "shop/web": "spec.hosts[0]", "pay/call": "spec.hosts[0]"}
	if !maps.Equal(denied, want) {
		t.Errorf("denied by ingress-host: %v, want %v", denied, want)
	}
}
