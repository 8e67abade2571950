package validators_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// gatewayRoute is a VirtualService in namespace for hosts, bound to
// gateways (none: the sidecars alone), exported to exportTo (none: every
// namespace).
func gatewayRoute(namespace, name string, hosts, gateways, exportTo []string) *unstructured.Unstructured {
	spec := map[string]any{"hosts": strs(hosts), "http": []any{map[string]any{"route": []any{}}}}
	if gateways != nil {
		spec["gateways"] = strs(gateways)
	}
	if exportTo != nil {
		spec["exportTo"] = strs(exportTo)
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": map[string]any{"namespace": namespace, "name": name}, "spec": spec,
	}}
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// A VirtualService bound to an Istio gateway takes a host as an Ingress
// does on the shared controller: Istio merges every namespace's routes of
// one host on a gateway, so another team's host is judged taken. Only
// VirtualServices on gateways are its family: an Ingress's or a route's
// host is another data plane's, and one for the sidecars or kept to its
// namespace routes no shared gateway.
func TestGatewayVirtualServiceHost(t *testing.T) {
	public := []string{"istio-system/public"}
	existing := []client.Object{
		gatewayRoute("shop", "storefront", []string{"shop.example.com", "web"}, public, nil),
		gatewayRoute("pay", "everything", []string{"*"}, []string{"pay-gw"}, nil),
		gatewayRoute("pay", "internal", []string{"internal.example.com"}, public, []string{"."}),
		gatewayRoute("pay", "sidecars", []string{"api.example.com"}, []string{"mesh"}, nil),
		func() client.Object { ing := ingressOf("pay", "www", "www.example.com"); return &ing }(),
		routeOf("pay", "gw-api", "gw.example.com"),
	}
	for _, c := range []struct {
		name          string
		vs            *unstructured.Unstructured
		denied, field string
	}{
		{name: "a host nobody routes", vs: gatewayRoute("pay", "web", []string{"pay.example.com"}, public, nil)},
		{name: "the team's own host, the same VirtualService again", vs: gatewayRoute("shop", "storefront", []string{"shop.example.com"}, public, nil)},
		{name: "an Ingress's host, not a gateway VirtualService's", vs: gatewayRoute("shop", "www", []string{"www.example.com"}, public, nil)},
		{name: "an HTTPRoute's host", vs: gatewayRoute("shop", "gw", []string{"gw.example.com"}, public, nil)},
		{name: "a host another team routes for its sidecars only", vs: gatewayRoute("shop", "api", []string{"api.example.com"}, public, nil)},
		{name: "a host another team keeps to its namespace", vs: gatewayRoute("shop", "internal", []string{"internal.example.com"}, public, nil)},
		{name: "another team's host, for the sidecars alone", vs: gatewayRoute("pay", "copy", []string{"shop.example.com"}, nil, []string{"."})},
		{name: "another team's host, kept to the namespace", vs: gatewayRoute("pay", "copy", []string{"shop.example.com"}, public, []string{"pay"})},
		{name: "another team's host", vs: gatewayRoute("pay", "steal", []string{"pay.example.com", "SHOP.example.com"}, append(public, "mesh"), nil),
			denied: `VirtualService "steal" takes host "shop.example.com", but VirtualService shop/storefront of team "shop" routes it: an Istio gateway both teams bind to would send that traffic here`,
			field:  "spec.hosts[1]"},
		{name: "another team's host on another gateway", vs: gatewayRoute("pay", "steal", []string{"shop.example.com"}, []string{"pay/own"}, nil),
			denied: `VirtualService shop/storefront of team "shop" routes it`, field: "spec.hosts[0]"},
		{name: "a wildcard over another team's host", vs: gatewayRoute("pay", "all", []string{"*.example.com"}, public, nil),
			denied: `routes host "shop.example.com", which overlaps it`, field: "spec.hosts[0]"},
		{name: "another team's Service by its full name", vs: gatewayRoute("pay", "web", []string{"web.shop.svc.cluster.local"}, public, nil),
			denied: `takes host "web.shop.svc.cluster.local", but VirtualService shop/storefront`, field: "spec.hosts[0]"},
		{name: "every host another team's gateway takes", vs: gatewayRoute("shop", "all", []string{"*"}, public, nil),
			denied: `takes every host of the gateways it binds to that no other VirtualService names (host "*"), but VirtualService pay/everything of team "pay" routes it`,
			field:  "spec.hosts[0]"},
	} {
		t.Run(c.name, func(t *testing.T) { assertHostJudged(t, existing, c.vs, c.denied, c.field) })
	}
}

// A route or gateway VirtualService may not carry pave's label: the
// admission server's cache leaves pave's objects out, so one hidden so
// would be judged by nobody's hosts. An Ingress may (its cache holds all).
func TestRouteHostsHideNotUnderPavesLabel(t *testing.T) {
	paves := map[string]string{"app.kubernetes.io/managed-by": "pave"}
	vs := gatewayRoute("pay", "hidden", []string{"pay.example.com"}, []string{"istio-system/public"}, nil)
	vs.SetLabels(paves)
	route := routeOf("pay", "hidden", "pay.example.com")
	route.Labels = paves
	for _, obj := range []client.Object{vs, route} {
		assertHostJudged(t, nil, obj, "which marks what pave writes", "metadata.labels[app.kubernetes.io/managed-by]")
	}
	ing := ingressOf("pay", "web", "pay.example.com")
	ing.Labels = paves
	assertHostJudged(t, nil, &ing, "", "")
	sidecars := gatewayRoute("pay", "pave-web", []string{"web"}, nil, nil) // pave's own, for the sidecars
	sidecars.SetLabels(paves)
	assertHostJudged(t, nil, sidecars, "", "")
	helm := gatewayRoute("pay", "chart", []string{"pay.example.com"}, []string{"istio-system/public"}, nil)
	helm.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "Helm"})
	assertHostJudged(t, nil, helm, "", "")
}
