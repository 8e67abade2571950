package validators_test

import (
	"context"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/internal/csrtest"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

// A Certificate asks for no host another team routes, by Ingress, by
// Gateway API route or by a VirtualService on an Istio gateway: judged through the environment builder, as the webhook
// and pave check judge it.
func TestCertificateHost(t *testing.T) {
	shopIngress := ingressOf("shop", "storefront", "shop.example.com")
	input := []client.Object{&shopIngress, routeOf("pay", "api", "api.pay.example.com"), routeOf("pay", "all"),
		gatewayRoute("pay", "edge", []string{"edge.pay.example.com"}, []string{"istio-system/public"}, nil)}
	cert := func(namespace, commonName string, dnsNames ...string) *cmapi.Certificate {
		return &cmapi.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "tls"},
			Spec: cmapi.CertificateSpec{CommonName: commonName, DNSNames: dnsNames, SecretName: "tls",
				IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "letsencrypt"}}}
	}
	for _, c := range []struct {
		name         string
		cert         *cmapi.Certificate
		denied       string // "" when allowed; else what the message says
		field, owner string
	}{
		{name: "a host nobody routes", cert: cert("pay", "", "pay.example.com")},
		{name: "the team's own host", cert: cert("shop", "", "shop.example.com", "www.shop.example.com")},
		{name: "another team's Ingress host", cert: cert("pay", "", "pay.example.com", "Shop.Example.com"),
			denied: `Certificate "tls" asks for host "shop.example.com", but Ingress shop/storefront of team "shop" routes it`, field: "spec.dnsNames[1]", owner: `team "shop"`},
		{name: "another team's route hostname as the common name", cert: cert("shop", "api.pay.example.com"),
			denied: `HTTPRoute pay/api of team "pay" routes it`, field: "spec.commonName", owner: `team "pay"`},
		{name: "another team's host on an Istio gateway", cert: cert("shop", "", "edge.pay.example.com"),
			denied: `VirtualService pay/edge of team "pay" routes it`, field: "spec.dnsNames[0]", owner: `team "pay"`},
		{name: "a wildcard over another team's host", cert: cert("pay", "", "*.example.com"),
			denied: `routes host "shop.example.com", which it covers`, field: "spec.dnsNames[0]", owner: `team "shop"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := environment.Builder{Now: time.Now, Source: environment.Static{
				Namespaces:   map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
				InputRouting: environment.IndexRouting(input),
			}}
			env, err := b.Env(context.Background(), policy.Default(), environment.Request{Namespace: c.cert.Namespace, Routing: c.cert})
			if err != nil {
				t.Fatal(err)
			}
			got := validators.CertificateHost{}.ValidateObject(context.Background(), c.cert, env)
			if c.denied == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "certificate-host")
			if v := got[0]; !strings.Contains(v.Message, c.denied) || v.Field != c.field || !strings.Contains(v.Fix, c.owner+" first removes it") {
				t.Errorf("got %s: %s (fix: %s), want %s: …%s…", v.Field, v.Message, v.Fix, c.field, c.denied)
			}
		})
	}
}

// A CertificateRequest written by hand (cert-manager's chart gives the edit
// role them, and its approver approves every request to its issuers) is
// judged by the hosts of its CSR, as cert-manager's issuers read it.
func TestCertificateRequestHost(t *testing.T) {
	shopIngress := ingressOf("shop", "storefront", "shop.example.com")
	input := []client.Object{&shopIngress}
	request := func(namespace string, pemBytes []byte) *cmapi.CertificateRequest {
		return &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "tls"},
			Spec: cmapi.CertificateRequestSpec{Request: pemBytes, IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "internal-ca"}}}
	}
	for _, c := range []struct {
		name   string
		cr     *cmapi.CertificateRequest
		denied string // "" when allowed; else what the message says
	}{
		{name: "the team's own host", cr: request("shop", csrtest.PEM(t, "", "shop.example.com"))},
		{name: "a host nobody routes", cr: request("pay", csrtest.PEM(t, "", "pay.example.com"))},
		{name: "another team's host among its DNS names", cr: request("pay", csrtest.PEM(t, "", "pay.example.com", "SHOP.example.com")),
			denied: `CertificateRequest "tls" asks in its CSR for host "shop.example.com", but Ingress shop/storefront of team "shop" routes it`},
		{name: "another team's host as the common name", cr: request("pay", csrtest.PEM(t, "shop.example.com")),
			denied: `asks in its CSR for host "shop.example.com"`},
		{name: "a wildcard over another team's host", cr: request("pay", csrtest.PEM(t, "", "*.example.com")),
			denied: `routes host "shop.example.com", which it covers`},
		// cert-manager's webhook refuses a request that is not a CSR, and
		// no issuer signs one: there is no host to judge.
		{name: "not a CSR", cr: request("pay", []byte("shop.example.com"))},
		{name: "a PEM block that is not a CSR", cr: request("pay", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte("shop.example.com")}))},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := environment.Builder{Now: time.Now, Source: environment.Static{
				Namespaces:   map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
				InputRouting: environment.IndexRouting(input),
			}}
			env, err := b.Env(context.Background(), policy.Default(), environment.Request{Namespace: c.cr.Namespace, Routing: c.cr})
			if err != nil {
				t.Fatal(err)
			}
			got := validators.CertificateHost{}.ValidateObject(context.Background(), c.cr, env)
			if c.denied == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "certificate-host")
			if v := got[0]; !strings.Contains(v.Message, c.denied) || v.Field != "spec.request" || !strings.Contains(v.Fix, `team "shop" first removes it`) {
				t.Errorf("got %s: %s (fix: %s), want spec.request: …%s…", v.Field, v.Message, v.Fix, c.denied)
			}
		})
	}
}
