package validators_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

// ingressOf is an Ingress in namespace routing hosts ("" for a rule
// without a host).
func ingressOf(namespace, name string, hosts ...string) networkingv1.Ingress {
	ing := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	for _, h := range hosts {
		ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{Host: h})
	}
	return ing
}

// A host belongs to the team whose Ingress routes it: judged through the
// environment builder, as the webhook and pave check judge it, against the
// Ingresses of a cluster with two teams (shop in shop and shop-api, pay in
// pay) and a namespace that names no team (lab).
func TestIngressHost(t *testing.T) {
	existing := []networkingv1.Ingress{
		ingressOf("shop", "storefront", "shop.example.com"),
		ingressOf("shop", "apps", "*.apps.example.com"),
		ingressOf("lab", "default", ""),
		ingressOf("pay", "checkout", "pay.example.com"),
	}
	var input []client.Object
	for i := range existing {
		input = append(input, &existing[i])
	}
	input = append(input, routeOf("pay", "pay-api", "api.pay.example.com"), routeOf("shop", "gateway-all"),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "status", Annotations: map[string]string{
			"external-dns.alpha.kubernetes.io/hostname": "status.pay.example.com"}}},
		// The ingress controller's own Service sends a domain to it.
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ingress-nginx", Name: "controller", Annotations: map[string]string{
			"external-dns.alpha.kubernetes.io/hostname": "*.apps.example.org"}}})
	for _, c := range []struct {
		name    string
		ing     networkingv1.Ingress
		denied  string // "" when allowed; else what the message says
		field   string
		ownerIs string
	}{
		{name: "a host nobody routes", ing: ingressOf("pay", "web", "pay-api.example.com")},
		{name: "the team's own host, another of its namespaces", ing: ingressOf("shop-api", "api", "shop.example.com")},
		{name: "the same Ingress again (an update)", ing: ingressOf("shop", "storefront", "shop.example.com")},
		{name: "a host beside another team's wildcard's", ing: ingressOf("pay", "web", "a.b.apps.example.com")},
		{name: "another team's host", ing: ingressOf("pay", "web", "pay.example.com", "SHOP.example.com"),
			denied: `takes host "shop.example.com", but Ingress shop/storefront of team "shop" routes it:`, field: "spec.rules[1].host", ownerIs: `team "shop"`},
		{name: "a host under another team's wildcard", ing: ingressOf("pay", "web", "pay.apps.example.com"),
			denied: `Ingress shop/apps of team "shop" routes host "*.apps.example.com", which overlaps it`, field: "spec.rules[0].host", ownerIs: `team "shop"`},
		{name: "a wildcard over another team's host", ing: ingressOf("shop", "all", "*.example.com"),
			denied: `Ingress pay/checkout of team "pay" routes host "pay.example.com", which overlaps it`, field: "spec.rules[0].host", ownerIs: `team "pay"`},
		{name: "the catch-all another namespace takes", ing: ingressOf("shop", "fallback", ""),
			denied: `takes the traffic no host matches`, field: "spec.rules[0].host", ownerIs: `namespace "lab"`},
		{name: "a default backend alone", ing: networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "fallback"},
			Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{}}},
			denied: `Ingress lab/default of namespace "lab" routes it:`, field: "spec.defaultBackend", ownerIs: `namespace "lab"`},
		{name: "another team's host as a server alias", ing: func() networkingv1.Ingress {
			ing := ingressOf("pay", "web", "pay-www.example.com")
			ing.Annotations = map[string]string{"nginx.ingress.kubernetes.io/server-alias": "pay-web.example.com, shop.example.com"}
			return ing
		}(), denied: `Ingress shop/storefront of team "shop" routes it:`, field: "metadata.annotations[nginx.ingress.kubernetes.io/server-alias]", ownerIs: `team "shop"`},
		{name: "another team's host published by external-dns", ing: func() networkingv1.Ingress {
			ing := ingressOf("pay", "web", "pay-www.example.com")
			ing.Annotations = map[string]string{"external-dns.alpha.kubernetes.io/hostname": "pay-web.example.com,Shop.example.com."}
			return ing
		}(), denied: `Ingress shop/storefront of team "shop" routes it:`, field: "metadata.annotations[external-dns.alpha.kubernetes.io/hostname]", ownerIs: `team "shop"`},
		{name: "a name another team's Service publishes", ing: ingressOf("shop", "status", "status.pay.example.com"),
			denied: `takes host "status.pay.example.com", but Service pay/status of team "pay" publishes it in DNS:`, field: "spec.rules[0].host", ownerIs: `team "pay"`},
		{name: "a name the team's own Service publishes", ing: ingressOf("pay", "status", "status.pay.example.com")},
		{name: "a host under the wildcard the ingress controller's Service publishes", ing: ingressOf("pay", "web", "pay.apps.example.org")},
		{name: "a team's host from a namespace of no team", ing: ingressOf("lab", "copy", "pay.example.com"),
			denied: `Ingress pay/checkout of team "pay"`, field: "spec.rules[0].host", ownerIs: `team "pay"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := environment.Builder{Now: time.Now, Source: environment.Static{
				Namespaces: map[string]map[string]string{
					"shop": {"pave.dev/team": "shop"}, "shop-api": {"team": "shop"}, "pay": {"pave.dev/team": "pay"}, "lab": {},
				},
				InputRouting: environment.IndexRouting(input),
			}}
			env, err := b.Env(context.Background(), policy.Default(), environment.Request{Namespace: c.ing.Namespace, Routing: &c.ing})
			if err != nil {
				t.Fatal(err)
			}
			got := validators.IngressHost{}.ValidateObject(context.Background(), &c.ing, env)
			if c.denied == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "ingress-host")
			v := got[0]
			if !strings.Contains(v.Message, c.denied) || v.Field != c.field || !strings.Contains(v.Fix, c.ownerIs+" first removes it") {
				t.Errorf("got %s: %s (fix: %s), want %s: …%s…", v.Field, v.Message, v.Fix, c.field, c.denied)
			}
		})
	}
}

// routeOf is an HTTPRoute in namespace for hostnames (none: every host of
// its Gateway's listeners).
func routeOf(namespace, name string, hostnames ...gatewayv1.Hostname) *gatewayv1.HTTPRoute {
	return &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}, Spec: gatewayv1.HTTPRouteSpec{Hostnames: hostnames}}
}

// listenersOf is a ListenerSet in namespace of listeners.
func listenersOf(namespace, name string, listeners ...gatewayv1.ListenerEntry) *gatewayv1.ListenerSet {
	return &gatewayv1.ListenerSet{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}, Spec: gatewayv1.ListenerSetSpec{Listeners: listeners}}
}

func ptr[T any](v T) *T { return &v }

// Gateway API routes are judged the same way, against the routes only: a
// Gateway is not the ingress controller, and a hostname there takes no
// Ingress's traffic.
func TestRouteHost(t *testing.T) {
	existing := []client.Object{routeOf("shop", "storefront", "shop.example.com"), routeOf("pay", "all"),
		&gatewayv1.TLSRoute{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db"}, Spec: gatewayv1.TLSRouteSpec{Hostnames: []gatewayv1.Hostname{"db.example.org"}}},
		listenersOf("shop", "own", gatewayv1.ListenerEntry{Protocol: gatewayv1.HTTPSProtocolType, Hostname: ptr(gatewayv1.Hostname("edge.example.org"))}),
		&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}, Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: "www.example.com"}}}}}
	for _, c := range []struct {
		name          string
		route         client.Object
		denied, field string
	}{
		{name: "a hostname nobody routes", route: routeOf("pay", "web", "pay.example.com")},
		{name: "an Ingress's host, not a route's", route: routeOf("pay", "web", "www.example.com")},
		{name: "the team's own hostname", route: routeOf("shop", "api", "shop.example.com")},
		{name: "another team's hostname", route: routeOf("pay", "steal", "pay.example.com", "*.example.com"),
			denied: `HTTPRoute "steal" takes host "*.example.com", but HTTPRoute shop/storefront of team "shop" routes host "shop.example.com", which overlaps it: a Gateway both teams attach to`, field: "spec.hostnames[1]"},
		{name: "no hostnames, beside another team's", route: routeOf("shop", "all"),
			denied: `takes every host of the listeners it attaches to (it names no hostnames), but HTTPRoute pay/all of team "pay" routes it`, field: "spec.hostnames"},
		{name: "a GRPCRoute of another team's hostname", route: &gatewayv1.GRPCRoute{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "rpc"},
			Spec: gatewayv1.GRPCRouteSpec{Hostnames: []gatewayv1.Hostname{"shop.example.com"}}},
			denied: `GRPCRoute "rpc" takes host "shop.example.com", but HTTPRoute shop/storefront`, field: "spec.hostnames[0]"},
		{name: "a TLSRoute of another team's hostname, by its server name", route: &gatewayv1.TLSRoute{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "sni"},
			Spec: gatewayv1.TLSRouteSpec{Hostnames: []gatewayv1.Hostname{"pay.example.com", "Shop.example.com"}}},
			denied: `TLSRoute "sni" takes host "shop.example.com", but HTTPRoute shop/storefront`, field: "spec.hostnames[1]"},
		{name: "another team's TLSRoute's hostname", route: routeOf("pay", "db", "db.example.org"),
			denied: `HTTPRoute "db" takes host "db.example.org", but TLSRoute shop/db of team "shop" routes it`, field: "spec.hostnames[0]"},
		{name: "a listener for another team's hostname", route: listenersOf("pay", "extra",
			gatewayv1.ListenerEntry{Protocol: gatewayv1.TCPProtocolType, Port: 5432},
			gatewayv1.ListenerEntry{Protocol: gatewayv1.HTTPSProtocolType, Hostname: ptr(gatewayv1.Hostname("Shop.example.com"))}),
			denied: `ListenerSet "extra" takes host "shop.example.com", but HTTPRoute shop/storefront`, field: "spec.listeners[1].hostname"},
		{name: "a listener of every host, beside another team's route of every host", route: listenersOf("shop", "open",
			gatewayv1.ListenerEntry{Protocol: gatewayv1.UDPProtocolType, Port: 53},
			gatewayv1.ListenerEntry{Protocol: gatewayv1.HTTPProtocolType, Port: 8080}),
			denied: `ListenerSet "open" takes every host on its port (a listener without a hostname), but HTTPRoute pay/all`, field: "spec.listeners[1]"},
		{name: "listeners that take no host", route: listenersOf("pay", "tcp", gatewayv1.ListenerEntry{Protocol: gatewayv1.TCPProtocolType, Port: 5432})},
		{name: "another team's listener's hostname", route: routeOf("pay", "edge", "edge.example.org"),
			denied: `HTTPRoute "edge" takes host "edge.example.org", but ListenerSet shop/own of team "shop" routes it`, field: "spec.hostnames[0]"},
		{name: "a TLSRoute of the team's own hostname", route: &gatewayv1.TLSRoute{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "sni"},
			Spec: gatewayv1.TLSRouteSpec{Hostnames: []gatewayv1.Hostname{"shop.example.com"}}}},
	} {
		t.Run(c.name, func(t *testing.T) { assertHostJudged(t, existing, c.route, c.denied, c.field) })
	}
}

// assertHostJudged judges obj by ingress-host against existing, of teams
// shop and pay, through the environment builder: allowed when denied is
// "", else denied at field with a message that says denied.
func assertHostJudged(t *testing.T, existing []client.Object, obj client.Object, denied, field string) {
	t.Helper()
	b := environment.Builder{Now: time.Now, Source: environment.Static{
		Namespaces:   map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
		InputRouting: environment.IndexRouting(existing),
	}}
	env, err := b.Env(context.Background(), policy.Default(), environment.Request{Namespace: obj.GetNamespace(), Routing: obj})
	if err != nil {
		t.Fatal(err)
	}
	got := validators.IngressHost{}.ValidateObject(context.Background(), obj, env)
	if denied == "" {
		assertRules(t, got)
		return
	}
	assertRules(t, got, "ingress-host")
	if v := got[0]; !strings.Contains(v.Message, denied) || v.Field != field {
		t.Errorf("got %s: %s, want %s: …%s…", v.Field, v.Message, field, denied)
	}
}

// Without the other Ingresses (an adapter that looked none up) nothing is
// judged: the rule never guesses.
func TestIngressHostWithoutRoutes(t *testing.T) {
	ing := ingressOf("pay", "web", "shop.example.com")
	env := policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: "pay"}}
	assertRules(t, validators.IngressHost{}.ValidateObject(context.Background(), &ing, env))
}
