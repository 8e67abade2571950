package ingress_test

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/ingress"
)

// The hosts a VirtualService routes on gateways are those Istio reads: a
// short name is a Service of its namespace, "*" every host no other names;
// one for the sidecars alone, or kept to its namespace, routes none of a
// shared gateway's.
func TestGatewayHosts(t *testing.T) {
	vs := func(version string, spec map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/" + version, "kind": "VirtualService",
			"metadata": map[string]any{"name": "web", "namespace": "shop"}, "spec": spec,
		}}
	}
	gw := []any{"istio-system/public"}
	for _, c := range []struct {
		name  string
		obj   *unstructured.Unstructured
		hosts []string
		ok    bool
	}{
		{"hosts as Istio reads them", vs("v1", map[string]any{"gateways": gw, "hosts": []any{"Shop.example.com", "web", " web ", "*", "web.shop", ""}}),
			[]string{"shop.example.com", "web.shop.svc.cluster.local", ingress.CatchAll, "web.shop"}, true},
		{"an older version", vs("v1beta1", map[string]any{"gateways": []any{"mesh", "public"}, "hosts": []any{"a.example.com"}}), []string{"a.example.com"}, true},
		{"exported to other namespaces", vs("v1", map[string]any{"gateways": gw, "hosts": []any{"a.example.com"}, "exportTo": []any{".", "istio-system"}}), []string{"a.example.com"}, true},
		{"the sidecars alone", vs("v1", map[string]any{"hosts": []any{"a.example.com"}}), nil, false},
		{"the sidecars by name", vs("v1", map[string]any{"gateways": []any{"mesh"}, "hosts": []any{"a.example.com"}}), nil, false},
		{"kept to its namespace", vs("v1", map[string]any{"gateways": gw, "hosts": []any{"a.example.com"}, "exportTo": []any{"shop"}}), nil, false},
		{"a DestinationRule", func() *unstructured.Unstructured {
			u := vs("v1", map[string]any{"gateways": gw, "hosts": []any{"a.example.com"}})
			u.SetKind("DestinationRule")
			return u
		}(), nil, false},
	} {
		hosts, ok := ingress.GatewayHosts(c.obj)
		if ok != c.ok || !slices.Equal(hosts, c.hosts) {
			t.Errorf("%s: %q, %v; want %q, %v", c.name, hosts, ok, c.hosts, c.ok)
		}
		if family, _, found := ingress.HostsOf(c.obj); found != c.ok || found && family != ingress.FamilyIstio {
			t.Errorf("%s: HostsOf family %q, %v", c.name, family, found)
		}
	}
}
