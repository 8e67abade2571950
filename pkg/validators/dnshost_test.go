package validators_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

// A Service has external-dns publish no host another team routes, by any
// family: judged through the environment builder, as the webhook and pave
// check judge it.
func TestDNSHost(t *testing.T) {
	shopIngress := ingressOf("shop", "storefront", "shop.example.com")
	const hostname = "external-dns.alpha.kubernetes.io/hostname"
	named := func(namespace, name string, annotations map[string]string) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Annotations: annotations},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer}}
	}
	service := func(namespace string, annotations map[string]string) *corev1.Service {
		return named(namespace, "lb", annotations)
	}
	input := []client.Object{&shopIngress, routeOf("pay", "api", "api.pay.example.com"),
		named("pay", "status", map[string]string{hostname: "status.pay.example.com,status.pay.example.org"}),
		named("ingress-nginx", "controller", map[string]string{hostname: "*.apps.example.org"})}
	for _, c := range []struct {
		name         string
		svc          *corev1.Service
		denied       string
		field, owner string
	}{
		{name: "no published name", svc: service("pay", nil)},
		{name: "a host nobody routes", svc: service("pay", map[string]string{hostname: "lb.pay.example.com"})},
		{name: "the team's own host", svc: service("shop", map[string]string{hostname: "shop.example.com."})},
		{name: "another team's Ingress host", svc: service("pay", map[string]string{hostname: "lb.pay.example.com, Shop.example.com."}),
			denied: `Service "lb" has external-dns publish host "shop.example.com" at its own address, but Ingress shop/storefront of team "shop" routes it`,
			field:  "metadata.annotations[" + hostname + "]", owner: `team "shop"`},
		{name: "another team's route hostname, internally", svc: service("shop", map[string]string{"external-dns.alpha.kubernetes.io/internal-hostname": "api.pay.example.com"}),
			denied: `HTTPRoute pay/api of team "pay" routes it`, field: "metadata.annotations[external-dns.alpha.kubernetes.io/internal-hostname]", owner: `team "pay"`},
		{name: "a name another team's Service publishes", svc: service("shop", map[string]string{hostname: "Status.pay.example.com"}),
			denied: `Service pay/status of team "pay" publishes it`, field: "metadata.annotations[" + hostname + "]", owner: `team "pay"`},
		{name: "a wildcard over a name another team's Service publishes", svc: service("shop", map[string]string{"external-dns.alpha.kubernetes.io/internal-hostname": "*.pay.example.org"}),
			denied: `Service pay/status of team "pay" publishes host "status.pay.example.org", which it covers`, field: "metadata.annotations[external-dns.alpha.kubernetes.io/internal-hostname]", owner: `team "pay"`},
		{name: "a name the team's other Service publishes", svc: service("pay", map[string]string{hostname: "status.pay.example.com"})},
		{name: "a name under the ingress controller's wildcard", svc: service("pay", map[string]string{hostname: "lb.apps.example.org"})},
		{name: "the ingress controller's wildcard over the teams' hosts", svc: named("ingress-nginx", "controller", map[string]string{hostname: "*.example.com"})},
		{name: "the same Service again (an update)", svc: named("pay", "status", map[string]string{hostname: "status.pay.example.com"})},
		{name: "a wildcard over another team's host", svc: service("pay", map[string]string{hostname: "*.example.com"}),
			denied: `routes host "shop.example.com", which it covers`, field: "metadata.annotations[" + hostname + "]", owner: `team "shop"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := environment.Builder{Now: time.Now, Source: environment.Static{
				Namespaces:   map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
				InputRouting: environment.IndexRouting(input),
			}}
			env, err := b.Env(context.Background(), policy.Default(), environment.Request{Namespace: c.svc.Namespace, Routing: c.svc})
			if err != nil {
				t.Fatal(err)
			}
			got := validators.DNSHost{}.ValidateObject(context.Background(), c.svc, env)
			if c.denied == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "dns-host")
			if v := got[0]; !strings.Contains(v.Message, c.denied) || v.Field != c.field || !strings.Contains(v.Fix, c.owner+" first removes it") {
				t.Errorf("got %s: %s (fix: %s), want %s: …%s…", v.Field, v.Message, v.Fix, c.field, c.denied)
			}
		})
	}
}

// The names a Service publishes are bounded as an Ingress's hosts are: the
// admission server keeps them in memory. One over the bound is one
// finding, whatever else it names.
func TestDNSHostBoundsTheNames(t *testing.T) {
	names := make([]string, 65)
	for i := range names {
		names[i] = fmt.Sprintf("n%d.pay.example.com", i)
	}
	for _, c := range []struct {
		n      int
		denied bool
	}{{64, false}, {65, true}} {
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "lb", Annotations: map[string]string{
			"external-dns.alpha.kubernetes.io/hostname": strings.Join(names[:c.n], ",")}}}
		got := validators.DNSHost{}.ValidateObject(context.Background(), svc, policy.Env{})
		if !c.denied {
			assertRules(t, got)
			continue
		}
		assertRules(t, got, "dns-host")
		if v := got[0]; v.Field != "metadata.annotations" || !strings.Contains(v.Message, "more than 64 names") || v.Measure != c.n {
			t.Errorf("%d names: got %s: %s (measure %d)", c.n, v.Field, v.Message, v.Measure)
		}
	}
}
