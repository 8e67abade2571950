package preflight_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// A team's SecretStore written before pave, whose webhook URL the External
// Secrets Operator fetches past the zones, is named, in either version, and
// so is one that signs in as the operator; the operator's own namespace's
// is not.
func TestWouldDenyAFetchPastTheZones(t *testing.T) {
	store := func(apiVersion, ns, name, url string) unstructured.Unstructured {
		return unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": "SecretStore",
			"metadata": map[string]any{"namespace": ns, "name": name}, "spec": map[string]any{"provider": map[string]any{"webhook": map[string]any{"url": url}}}}}
	}
	c := preflight.Cluster{
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "external-secrets": nil},
		Install:    v1alpha1.Install{PaveNamespace: "pave-system"},
		Judged: []unstructured.Unstructured{
			store("external-secrets.io/v1beta1", "shop", "imds", "http://169.254.169.254/latest/meta-data/"),
			store("external-secrets.io/v1", "shop", "vault", "http://vault.shop.svc:8200/v1/kv"),
			store("external-secrets.io/v1", "external-secrets", "platform", "http://169.254.169.254/"),
			{Object: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "SecretStore", "metadata": map[string]any{"namespace": "shop", "name": "aws"},
				"spec": map[string]any{"provider": map[string]any{"aws": map[string]any{"service": "SecretsManager"}}}}},
		},
	}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var named []string
	for _, f := range found {
		if f.Check == "policy-would-deny" {
			named = append(named, f.Subject)
			if want := map[string]string{"SecretStore shop/imds": "secret-webhook-url (spec.provider.webhook.url)",
				"SecretStore shop/aws": "secret-store-identity (spec.provider.aws.auth)"}[f.Subject]; want == "" || !strings.Contains(f.Message, want) {
				t.Errorf("%s: %s", f.Subject, f.Message)
			}
		}
	}
	if strings.Join(named, ",") != "SecretStore shop/imds,SecretStore shop/aws" {
		t.Errorf("named %v, want SecretStore shop/imds and shop/aws", named)
	}
}
