package validators_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The External Secrets Operator fetches a team's webhook URL from its own
// namespace and writes the answer into the team's Secret: the URL's host
// must be one the team's zone could name, and written as it is.
func TestSecretWebhookURL(t *testing.T) {
	spec := policy.Default().Spec
	for i := range spec.Zones.Access {
		if spec.Zones.Access[i].Zone == "internal" {
			spec.Zones.Access[i].ExternalNames = []string{"vault.example.com"}
		}
	}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	store := func(url string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "SecretStore",
			"metadata": map[string]any{"name": "fetch"}, "spec": map[string]any{"provider": map[string]any{"webhook": map[string]any{"url": url}}}}}
	}
	for _, c := range []struct {
		name, url, namespace string
		why, fix             string // "": allowed
	}{
		{name: "a host the zone lists", url: "https://vault.example.com/v1/{{ .remoteRef.key }}"},
		{name: "a listed host in capitals, with a port and the root dot", url: "HTTPS://Vault.Example.COM.:8443/x"},
		{name: "a Service of a zoned namespace", url: "http://vault.secrets-team.svc:8200/v1/kv"},
		{name: "the cloud's metadata address", url: "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
			why: `a host outside the cluster that zone "internal"`, fix: "spec.zones.access[].externalNames"},
		{name: "the metadata server's name", url: "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token",
			why: "a host outside the cluster"},
		{name: "a listed host as the user before another", url: "http://vault.example.com@169.254.169.254/", why: "a host outside the cluster"},
		{name: "a host the template fills in", url: "http://{{ .remoteRef.key }}/", why: "whose host is filled in for each secret", fix: "only its path and query"},
		{name: "a host the template completes", url: "https://vault.example.com{{ .remoteRef.property }}", why: "whose host is filled in"},
		{name: "a whole URL the template writes", url: "{{ .remoteRef.key }}", why: "whose host is filled in"},
		{name: "the API server", url: "https://kubernetes.default.svc/api/v1/namespaces/billing/secrets", why: "the API server", fix: "kubernetes provider"},
		{name: "the platform's Prometheus", url: "http://prometheus.monitoring.svc:9090/api/v1/query", why: "namespace monitoring, which the zones leave alone"},
		{name: "a short name, the operator's own namespace's", url: "http://vault:8200/", why: "a short name", fix: "vault.shop.svc.cluster.local"},
		{name: "in the operator's namespace", url: "http://169.254.169.254/", namespace: "external-secrets"},
		{name: "a URL the operator cannot fetch", url: "ftp://169.254.169.254/"},
		{name: "no scheme", url: "169.254.169.254/latest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := workloadtest.Env()
			env.Policy, env.Namespace = p, policy.Namespace{Name: "shop"}
			if c.namespace != "" {
				env.Namespace.Name = c.namespace
			}
			got := validators.SecretWebhookURL{}.ValidateObject(context.Background(), store(c.url), env)
			if c.why == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "secret-webhook-url")
			if v := got[0]; v.Field != "spec.provider.webhook.url" || !strings.Contains(v.Message, c.why) || !strings.Contains(v.Message, `SecretStore "fetch" has the External Secrets Operator fetch`) ||
				!strings.Contains(v.Fix, c.fix) || v.Fix == "" {
				t.Errorf("%+v", v)
			}
		})
	}
	t.Run("a Webhook generator", func(t *testing.T) {
		gen := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "generators.external-secrets.io/v1alpha1", "kind": "Webhook",
			"metadata": map[string]any{"name": "token", "namespace": "shop"}, "spec": map[string]any{"url": "http://169.254.169.254/"}}}
		env := workloadtest.Env()
		env.Policy, env.Namespace = p, policy.Namespace{Name: "shop", Labels: map[string]string{v1alpha1.LabelZone: "internal"}}
		got := validators.SecretWebhookURL{}.ValidateObject(context.Background(), gen, env)
		if assertRules(t, got, "secret-webhook-url"); len(got) == 1 && (got[0].Field != "spec.url" || !strings.Contains(got[0].Message, `Webhook "token"`)) {
			t.Errorf("%+v", got[0])
		}
	})
	t.Run("another provider", func(t *testing.T) {
		vault := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "SecretStore",
			"metadata": map[string]any{"name": "vault"}, "spec": map[string]any{"provider": map[string]any{"vault": map[string]any{"server": "http://169.254.169.254"}}}}}
		assertRules(t, validators.SecretWebhookURL{}.ValidateObject(context.Background(), vault, zoneEnv(t, "shop", "", "")))
	})
}
