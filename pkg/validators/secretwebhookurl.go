package validators

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	paveobject "github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// SecretWebhookURL keeps what the External Secrets Operator fetches for a
// team to the hosts the team could name anyway. A SecretStore of the webhook
// provider, or a Webhook generator, has the operator send an HTTP request to
// its URL and write the answer into the team's Secret: a read of any address
// from the operator's namespace, with its network reach (the cloud's
// metadata address, the platform's own services, hosts the team's zone may
// not reach), as an ExternalName Service is through the ingress controller
// (service-external-name). The operator's chart gives the edit role both.
// So the URL's host must be a Service of a namespace the zones isolate, or a
// host the zone lists in spec.zones.access[].externalNames, and written as
// it is: the operator fills in the URL's template for each secret, and a
// host it fills in may be any host.
type SecretWebhookURL struct{}

var ruleSecretWebhookURL = policy.Rule{ID: "secret-webhook-url", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "a team's SecretStore of the webhook provider, or Webhook generator, fetches from a Service of a zoned namespace or a host its zone lists in spec.zones.access[].externalNames: the External Secrets Operator fetches the URL from its own namespace"}

// Name implements engine.ObjectValidator.
func (SecretWebhookURL) Name() string { return "secret-webhook-url" }

// Kinds implements engine.ObjectValidator.
func (SecretWebhookURL) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: paveobject.ExternalSecrets, Version: "v1", Kind: "SecretStore"},
		{Group: paveobject.ExternalSecretsGenerators, Version: "v1alpha1", Kind: "Webhook"},
	}
}

// Rules implements engine.ObjectValidator.
func (SecretWebhookURL) Rules() []policy.Rule { return []policy.Rule{ruleSecretWebhookURL} }

// ValidateObject implements engine.ObjectValidator.
func (SecretWebhookURL) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	u, ok := teamsOperatorObject(obj, env)
	if !ok {
		return nil
	}
	path := []string{"spec", "url"} // a Webhook generator's
	if u.GetKind() == "SecretStore" {
		path = []string{"spec", "provider", "webhook", "url"}
	}
	raw, _, _ := unstructured.NestedString(u.Object, path...)
	host, templated, ok := webhookHost(raw)
	if !ok {
		return nil
	}
	field := strings.Join(path, ".")
	fetches := fmt.Sprintf("%s %q has the External Secrets Operator fetch %q", u.GetKind(), u.GetName(), raw)
	const past = "the operator fetches it from its own namespace, past the zones, and writes the answer into the team's Secret"
	if templated {
		return []policy.Violation{ruleSecretWebhookURL.Violation(field,
			fmt.Sprintf("%s, whose host is filled in for each secret, so any host; %s", fetches, past),
			"write the URL's scheme and host as they are; only its path and query may come from the secret's key")}
	}
	r := reachOf(host, env)
	var fix string
	switch r.refusal {
	case reachAllowed:
		return nil
	case reachAPIServer:
		fix = "read the API server with the kubernetes provider, which authenticates as a service account of the namespace"
	case reachInfrastructure:
		fix = fmt.Sprintf("fetch a Service in a namespace of the zones; the platform team exposes what %s serves", r.namespace)
	case reachShortName:
		fix = "write the Service's full name: " + mesh.ServiceHost(host, cmp.Or(u.GetNamespace(), env.Namespace.Name))
	default:
		fix = fmt.Sprintf("ask the platform team to add %s to spec.zones.access[].externalNames of zone %q, or have the workload fetch it itself", host, r.zone)
	}
	return []policy.Violation{ruleSecretWebhookURL.Violation(field, fmt.Sprintf("%s, %s; %s", fetches, r.why, past), fix)}
}

// webhookHost is the host of a webhook URL as the operator's HTTP client
// reads it once the template is filled in (lowercased, without a trailing
// dot), or templated where the template writes any of the scheme or host.
// ok is false for a URL with no host the operator could fetch (no scheme, a
// scheme other than http or https, or one that does not parse): its
// request fails.
func webhookHost(raw string) (host string, templated, ok bool) {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found { // fetchable only where the template writes the whole URL
		templated := strings.Contains(raw, "{{")
		return "", templated, templated
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if strings.Contains(scheme, "{{") || strings.Contains(authority, "{{") {
		return "", true, true
	}
	parsed, err := url.Parse(scheme + "://" + authority)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Hostname() == "" {
		return "", false, false
	}
	return strings.TrimSuffix(strings.ToLower(parsed.Hostname()), "."), false, true
}
