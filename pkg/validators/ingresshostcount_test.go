package validators_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

// An object writes at most ingress.MaxHosts host entries, each counted as
// written (duplicates, rules without a host and server aliases too), since
// the admission server keeps each: an Ingress, and a VirtualService
// whether it binds to a gateway or only to the sidecars. Two objects over
// the bound get the same finding, so an update of one that was over it
// before stays preexisting (same rule, field and message) while it does
// not grow (the engine's TestABoundStaysPreexistingOnlyWhileItDoesNotGrow).
func TestIngressHostBoundsTheHostsOfAnObject(t *testing.T) {
	env := policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: "pay"}}
	hosts := func(n int, format string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(format, i)
		}
		return out
	}
	virtualService := func(gateways []any, hosts []string) *unstructured.Unstructured {
		hs := make([]any, len(hosts))
		for i, h := range hosts {
			hs[i] = h
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
			"metadata": map[string]any{"name": "vs", "namespace": "pay"},
			"spec":     map[string]any{"hosts": hs, "gateways": gateways},
		}}
	}
	withAliases := ingressOf("pay", "web", hosts(ingress.MaxHosts-2, "h%d.example.com")...)
	withAliases.Annotations = map[string]string{ingress.ServerAlias: "a.example.com, b.example.com,c.example.com"}
	atBound := ingressOf("pay", "web", hosts(ingress.MaxHosts, "h%d.example.com")...)
	over := ingressOf("pay", "web", hosts(ingress.MaxHosts+1, "h%d.example.com")...)
	farOver := ingressOf("pay", "web", hosts(5000, "h%d.example.com")...)
	same := ingressOf("pay", "web", hosts(ingress.MaxHosts+1, "same.example.com")...)
	hostless := ingressOf("pay", "web", hosts(ingress.MaxHosts+1, "")...)
	for _, c := range []struct {
		name  string
		obj   client.Object
		field string // "" when allowed
	}{
		{"an Ingress at the bound", &atBound, ""},
		{"a VirtualService at the bound", virtualService([]any{"istio-system/public"}, hosts(ingress.MaxHosts, "h%d.example.com")), ""},
		{"an Ingress over it", &over, "spec.rules"},
		{"an Ingress far over it", &farOver, "spec.rules"},
		{"an Ingress over it by its server aliases", &withAliases, "spec.rules"},
		{"one host written again and again", &same, "spec.rules"},
		{"rules without a host", &hostless, "spec.rules"},
		{"a VirtualService of a gateway over it", virtualService([]any{"istio-system/public"}, hosts(ingress.MaxHosts+1, "h%d.example.com")), "spec.hosts"},
		{"a VirtualService of the sidecars over it", virtualService(nil, hosts(ingress.MaxHosts+1, "h%d")), "spec.hosts"},
	} {
		vs := validators.IngressHost{}.ValidateObject(context.Background(), c.obj, env)
		if c.field == "" {
			if len(vs) > 0 {
				t.Errorf("%s: %+v", c.name, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Rule != "ingress-host" || vs[0].Field != c.field || !vs[0].Denies() ||
			!strings.Contains(vs[0].Message, fmt.Sprintf("writes more than %d hosts", ingress.MaxHosts)) || !strings.Contains(vs[0].Fix, "split the hosts over several "+map[string]string{"Ingress": "Ingresses", "VirtualService": "VirtualServices"}[ingress.KindOf(c.obj)]+" of at most") {
			t.Errorf("%s: %+v", c.name, vs)
		}
	}
	a := validators.IngressHost{}.ValidateObject(context.Background(), &over, env)
	b := validators.IngressHost{}.ValidateObject(context.Background(), &farOver, env)
	if len(a) != 1 || len(b) != 1 || a[0].Message != b[0].Message || a[0].Field != b[0].Field {
		t.Errorf("two objects over the bound differ in their finding, so an update between them would be denied: %+v, %+v", a, b)
	}
}
