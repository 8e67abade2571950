package check_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// pave check generates a namespace's own objects once per run and lists
// each once, with the first workload of the namespace: the same companions,
// in the same order, as --render, which runs the whole engine for each
// workload. The second workload of a namespace lists its own alone.
func TestNamespaceObjectsAreListedOnce(t *testing.T) {
	var data []byte
	for _, w := range []struct{ name, ns string }{{"api", "shop"}, {"web", "shop"}, {"blog", "blog"}} {
		data = fmt.Appendf(data, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, namespace: %[2]s, labels: {pave.dev/team: %[2]s}}
spec:
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [{name: %[1]s, image: "registry.example.com/%[2]s/%[1]s:1.0", ports: [{containerPort: 8080}]}]
`, w.name, w.ns)
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	in := []manifest.Input{{Source: "workloads.yaml", Data: data}}
	listed := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "default"})
	rendered := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "default", Render: true})
	if len(listed.Errors) > 0 || len(rendered.Errors) > 0 || len(listed.Objects) != 3 || len(rendered.Objects) != 3 {
		t.Fatalf("errors %v %v; objects %d %d", listed.Errors, rendered.Errors, len(listed.Objects), len(rendered.Objects))
	}
	for i, o := range listed.Objects {
		if !slices.Equal(o.Companions, rendered.Objects[i].Companions) {
			t.Errorf("%s/%s: listed %v\nrendered %v", o.Namespace, o.Name, o.Companions, rendered.Objects[i].Companions)
		}
	}
	api, web, blog := listed.Objects[0].Companions, listed.Objects[1].Companions, listed.Objects[2].Companions
	for _, ns := range []struct {
		first []string
		name  string
	}{{api, "shop"}, {blog, "blog"}} {
		if !slices.Contains(ns.first, "ResourceQuota "+ns.name+"/pave-tier") {
			t.Errorf("the first workload of %s does not list its namespace's quota: %v", ns.name, ns.first)
		}
	}
	for _, c := range web {
		if slices.Contains(api, c) {
			t.Errorf("web lists %s again, which api listed", c)
		}
	}
	if len(web) == 0 || len(web) >= len(api) {
		t.Errorf("web lists %v, api %v: web should list its own companions alone", web, api)
	}
}

// A denied workload lists no companions, as admission's dry run names none
// for it: it never exists, so pave's controller writes nothing for it. Its
// namespace's companions go with the first workload admitted instead, and
// --render prints none after it.
func TestADeniedWorkloadListsNoCompanions(t *testing.T) {
	var data []byte
	for _, w := range []struct{ name, privileged string }{{"root", "true"}, {"api", "false"}} {
		data = fmt.Appendf(data, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, namespace: shop, labels: {pave.dev/team: shop}}
spec:
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [{name: %[1]s, image: "registry.example.com/shop/%[1]s:1.0", ports: [{containerPort: 8080}], securityContext: {privileged: %[2]s}}]
`, w.name, w.privileged)
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	in := []manifest.Input{{Source: "workloads.yaml", Data: data}}
	for _, render := range []bool{false, true} {
		rep := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "default", Render: render})
		if len(rep.Errors) > 0 || len(rep.Objects) != 2 {
			t.Fatalf("render %v: errors %v, %d objects", render, rep.Errors, len(rep.Objects))
		}
		root, api := rep.Objects[0], rep.Objects[1]
		if root.Allowed || !api.Allowed {
			t.Fatalf("render %v: root allowed %v, api allowed %v; want root denied, api allowed", render, root.Allowed, api.Allowed)
		}
		if len(root.Companions) > 0 || len(root.RenderedCompanions) > 0 {
			t.Errorf("render %v: the denied root lists %v", render, root.Companions)
		}
		for _, want := range []string{"ResourceQuota shop/pave-tier", "NetworkPolicy shop/pave-zone-api"} {
			if !slices.Contains(api.Companions, want) {
				t.Errorf("render %v: api does not list %s: %v", render, want, api.Companions)
			}
		}
		if render && len(api.RenderedCompanions) != len(api.Companions) {
			t.Errorf("api rendered %d of its %d companions", len(api.RenderedCompanions), len(api.Companions))
		}
	}
}

// Two teams' Ingresses of one host in one input are both denied, as the
// cluster would deny the second (rule ingress-host); the namespaces' teams
// come from the input, and one team's two namespaces may share a host.
func TestIngressesOfOneHostAcrossTeams(t *testing.T) {
	ingress := func(ns, name string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: " + name + ", namespace: " + ns + "}\n" +
			"spec: {rules: [{host: shop.example.com}]}\n"
	}
	namespace := func(name, team string) string {
		return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {pave.dev/team: " + team + "}}\n"
	}
	rep := run(t, strings.Join([]string{namespace("shop", "shop"), namespace("shop-api", "shop"), namespace("pay", "pay"),
		ingress("shop", "storefront"), ingress("shop-api", "api"), ingress("pay", "steal")}, "---\n"))
	denied := map[string]bool{}
	for _, o := range rep.Objects {
		if slices.Contains(rules(o), "ingress-host") {
			denied[o.Namespace+"/"+o.Name] = true
		}
	}
	if want := map[string]bool{"shop/storefront": true, "shop-api/api": true, "pay/steal": true}; !maps.Equal(denied, want) {
		t.Errorf("denied by ingress-host: %v, want %v", denied, want)
	}
	rep = run(t, strings.Join([]string{namespace("shop", "shop"), namespace("shop-api", "shop"), ingress("shop", "storefront"), ingress("shop-api", "api")}, "---\n"))
	for _, o := range rep.Objects {
		if slices.Contains(rules(o), "ingress-host") {
			t.Errorf("%s/%s denied though one team routes the host: %+v", o.Namespace, o.Name, o.Violations)
		}
	}
}

// A name a Service has external-dns publish is its team's, in the input as
// in the cluster: another team's Service publishing it, or Ingress routing
// it, is refused; the same team's are not.
func TestServicesPublishingOneNameAcrossTeams(t *testing.T) {
	service := func(ns, name string) string {
		return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: " + ns +
			", annotations: {external-dns.alpha.kubernetes.io/hostname: status.example.com}}\nspec: {ports: [{port: 80}]}\n"
	}
	namespace := func(name, team string) string {
		return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {pave.dev/team: " + team + "}}\n"
	}
	ing := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: status, namespace: pay}\nspec: {rules: [{host: status.example.com}]}\n"
	rep := run(t, strings.Join([]string{namespace("shop", "shop"), namespace("shop-api", "shop"), namespace("pay", "pay"),
		service("shop", "status"), service("shop-api", "status"), service("pay", "copy"), ing}, "---\n"))
	denied := map[string]bool{}
	for _, o := range rep.Objects {
		if rs := rules(o); slices.Contains(rs, "dns-host") || slices.Contains(rs, "ingress-host") {
			denied[o.Kind+" "+o.Namespace+"/"+o.Name] = true
		}
	}
	// Each side of the pair of teams is refused beside the other.
	want := map[string]bool{"Service shop/status": true, "Service shop-api/status": true, "Service pay/copy": true, "Ingress pay/status": true}
	if !maps.Equal(denied, want) {
		t.Errorf("denied: %v, want %v", denied, want)
	}
	rep = run(t, strings.Join([]string{namespace("shop", "shop"), namespace("shop-api", "shop"), service("shop", "status"), service("shop-api", "status")}, "---\n"))
	for _, o := range rep.Objects {
		if slices.Contains(rules(o), "dns-host") {
			t.Errorf("%s/%s denied though one team publishes the name: %+v", o.Namespace, o.Name, o.Violations)
		}
	}
}
