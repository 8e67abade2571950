package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/internal/csrtest"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// A Certificate, or a CertificateRequest written without one, for a host
// another team routes is named: what it was issued passes as that team's
// service already, and a Certificate's renewal is denied. A request a
// listed Certificate made is the Certificate's finding, not a second one.
func TestWouldDenyCertificatesForAnotherTeamsHost(t *testing.T) {
	request := func(name string, owner *cmapi.Certificate, dnsNames ...string) cmapi.CertificateRequest {
		cr := cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: name},
			Spec: cmapi.CertificateRequestSpec{Request: csrtest.PEM(t, "", dnsNames...)}}
		if owner != nil {
			cr.OwnerReferences = []metav1.OwnerReference{{APIVersion: "cert-manager.io/v1", Kind: "Certificate", Name: owner.Name, UID: owner.UID, Controller: ptr.To(true)}}
		}
		return cr
	}
	stolen := cmapi.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "stolen", UID: "c1"}, Spec: cmapi.CertificateSpec{DNSNames: []string{"shop.example.com"}}}
	gone := cmapi.Certificate{ObjectMeta: metav1.ObjectMeta{Name: "gone", UID: "c2"}}
	c := preflight.Cluster{
		Namespaces:   map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
		Install:      v1alpha1.Install{PaveNamespace: "pave-system"},
		Routing:      []client.Object{ingress("shop", "storefront", "shop.example.com")},
		Certificates: []cmapi.Certificate{stolen},
		CertificateRequests: []cmapi.CertificateRequest{
			request("stolen-1", &stolen, "shop.example.com"), // the Certificate's own
			request("by-hand", nil, "pay.example.com", "shop.example.com"),
			request("orphan-1", &gone, "shop.example.com"), // its Certificate is gone: judged itself
			request("own", nil, "pay.example.com"),
		},
	}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		if f.Check != "policy-would-deny" {
			continue
		}
		got = append(got, f.Subject)
		if f.Severity != "high" || !strings.Contains(f.Message, "passes as that team's service until it expires") || !strings.Contains(f.Fix, "revoke") {
			t.Errorf("%s: %s %q (fix %q)", f.Subject, f.Severity, f.Message, f.Fix)
		}
		renewal := strings.Contains(f.Message, "its next renewal is denied")
		switch f.Subject {
		case "Certificate pay/stolen":
			if !renewal || !strings.Contains(f.Message, "certificate-host (spec.dnsNames[0])") {
				t.Errorf("the Certificate's finding: %q", f.Message)
			}
		default:
			if renewal || !strings.Contains(f.Message, "certificate-host (spec.request)") {
				t.Errorf("%s: %q", f.Subject, f.Message)
			}
		}
	}
	if want := "Certificate pay/stolen,CertificateRequest pay/by-hand,CertificateRequest pay/orphan-1"; strings.Join(got, ",") != want {
		t.Errorf("named %v, want %s", got, want)
	}
}

// A Service that has external-dns publish another team's host is named: its
// record points that team's clients at it already. So is the Ingress that
// routes the host: two teams claim one name, and preflight cannot tell
// which is its owner, as with two teams' Ingresses of one host.
func TestWouldDenyServicesPublishingAnotherTeamsHost(t *testing.T) {
	c := preflight.Cluster{
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
		Install:    v1alpha1.Install{PaveNamespace: "pave-system"},
		Routing:    []client.Object{ingress("shop", "storefront", "shop.example.com")},
		Services:   []corev1.Service{publishing("pay", "stolen", "shop.example.com"), publishing("pay", "own", "pay.example.com")},
	}
	got := wouldDeny(t, c, func(subject string) string {
		if subject == "Ingress shop/storefront" {
			return "ingress-host (spec.rules[0].host)"
		}
		return publishedField
	})
	if want := "Service pay/stolen,Ingress shop/storefront"; strings.Join(got, ",") != want {
		t.Errorf("named %v, want %s", got, want)
	}
}

// Two teams' Services that have external-dns publish one name already are
// both named: each would be refused beside the other. The ingress
// controller's Service, whose wildcard covers them, is neither named nor
// a claim on their names.
func TestWouldDenyServicesPublishingOneName(t *testing.T) {
	c := preflight.Cluster{
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "shop-2": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}},
		Install:    v1alpha1.Install{PaveNamespace: "pave-system"},
		Services: []corev1.Service{publishing("shop", "status", "status.example.com"), publishing("pay", "copy", "Status.example.com."),
			publishing("shop", "www", "www.example.com"), publishing("shop-2", "www", "www.example.com"),
			// The ingress controller's wildcard claims nothing, nor is it judged.
			publishing("ingress-nginx", "controller", "*.example.com")},
	}
	got := wouldDeny(t, c, func(string) string { return publishedField })
	slices.Sort(got)
	if want := "Service pay/copy,Service shop/status"; strings.Join(got, ",") != want {
		t.Errorf("named %v, want %s", got, want)
	}
}

// publishedField is the rule and field a finding on a Service's published
// names says.
const publishedField = "dns-host (metadata.annotations[external-dns.alpha.kubernetes.io/hostname])"

// publishing is a Service that has external-dns publish hostname.
func publishing(namespace, name, hostname string) corev1.Service {
	return corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Annotations: map[string]string{"external-dns.alpha.kubernetes.io/hostname": hostname}}}
}

// wouldDeny runs preflight on c and is the subjects of its
// policy-would-deny findings, in order, each checked to say what says
// of its subject.
func wouldDeny(t *testing.T, c preflight.Cluster, says func(subject string) string) []string {
	t.Helper()
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		if f.Check == "policy-would-deny" {
			got = append(got, f.Subject)
			if !strings.Contains(f.Message, says(f.Subject)) {
				t.Errorf("%s: %q", f.Subject, f.Message)
			}
		}
	}
	return got
}
