package preflight_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// A webhook (or an aggregated API) whose server runs in a namespace pave's
// zones isolate is named:
// the API server is no zone's member, so its calls stop once pave writes
// its NetworkPolicies there. Failing closed is high (everything it matches
// is refused), failing open medium. A server in a namespace pave does not
// govern (its own, an excluded one), or that the zones leave alone (the
// ingress controller's), or behind a URL, is not; nor is any under the
// ClusterNetworkPolicy target, which denies other pods only, or with
// isolation off.
func TestWebhookIsolatedByTheZones(t *testing.T) {
	svc := func(ns, name string) admissionregistrationv1.WebhookClientConfig {
		return admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Namespace: ns, Name: name}}
	}
	url := "https://policy.example.com/validate"
	fail, ignore := admissionregistrationv1.Fail, admissionregistrationv1.Ignore
	c := preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system", Excluded: []string{"cert-manager"}},
		Namespaces: map[string]map[string]string{"kyverno": nil, "cert-manager": nil, "pave-system": nil, "ingress-nginx": nil},
		ValidatingWebhooks: []admissionregistrationv1.ValidatingWebhookConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "kyverno-resource"},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{
				{Name: "validate.kyverno.svc-fail", ClientConfig: svc("kyverno", "kyverno-svc"), FailurePolicy: &fail},
				{Name: "cert-manager", ClientConfig: svc("cert-manager", "cert-manager-webhook"), FailurePolicy: &fail},
				{Name: "pave", ClientConfig: svc("pave-system", "pave-webhook"), FailurePolicy: &fail},
				{Name: "ingress", ClientConfig: svc("ingress-nginx", "ingress-nginx-controller-admission"), FailurePolicy: &fail},
				{Name: "outside", ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url}, FailurePolicy: &fail},
			}}},
		MutatingWebhooks: []admissionregistrationv1.MutatingWebhookConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "kyverno-policy"},
			Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "mutate.kyverno.svc-ignore", ClientConfig: svc("kyverno", "kyverno-svc"), FailurePolicy: &ignore}}}},
		APIServices: []preflight.APIService{{Name: "v1beta1.custom.metrics.k8s.io", Namespace: "kyverno", Service: "adapter"},
			{Name: "v1beta1.metrics.k8s.io", Namespace: "kube-system", Service: "metrics-server"}},
	}
	isolated := func(t *testing.T, target string) []preflight.Finding {
		t.Helper()
		p, _, err := policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {zones: {isolation: {target: "+target+", ingressNamespace: ingress-nginx}}}\n"))
		if err != nil {
			t.Fatal(err)
		}
		found, err := preflight.Run(context.Background(), p, c)
		if err != nil {
			t.Fatal(err)
		}
		var out []preflight.Finding
		for _, f := range found {
			if f.Check == "webhook-isolated" || f.Check == "apiservice-isolated" {
				out = append(out, f)
			}
		}
		return out
	}
	for _, target := range []string{"NetworkPolicy", "CiliumNetworkPolicy"} {
		got := isolated(t, target)
		if len(got) != 3 {
			t.Fatalf("%s: %d findings, want kyverno's three: %+v", target, len(got), got)
		}
		if a := got[0]; a.Check != "apiservice-isolated" || a.Subject != "APIService v1beta1.custom.metrics.k8s.io" || a.Severity != "high" ||
			!strings.Contains(a.Message, "Service kyverno/adapter") || !strings.Contains(a.Fix, "exclude kyverno from pave") {
			t.Errorf("%s: the aggregated API's finding %+v", target, a)
		}
		for _, f := range got[1:] {
			if !strings.Contains(f.Message, "Service kyverno/kyverno-svc") || !strings.Contains(f.Fix, "exclude kyverno from pave") {
				t.Errorf("%s: %+v", target, f)
			}
			closed := strings.Contains(f.Subject, "svc-fail")
			if closed != (f.Severity == "high") || closed != strings.Contains(f.Message, "failing closed") {
				t.Errorf("%s: %s: severity %s, message %q", target, f.Subject, f.Severity, f.Message)
			}
		}
	}
	for _, target := range []string{"ClusterNetworkPolicy", "\"off\""} {
		if got := isolated(t, target); len(got) != 0 {
			t.Errorf("%s: %+v, want none", target, got)
		}
	}
}
