package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A team member may not have the External Secrets Operator fetch a URL for
// them that their zone could not name: the operator fetches it from its own
// namespace, past the zones, and writes the answer into the team's Secret.
// The edit role gets SecretStores and Webhook generators as the operator's
// chart gives them.
func TestTeamMemberCannotFetchPastTheZones(t *testing.T) {
	teamNamespace(t, "team-fetch")
	esoEditRoles(t)
	store := func(apiVersion, url string) string {
		return fmt.Sprintf("apiVersion: %s\nkind: SecretStore\nmetadata: {name: fetch}\nspec: {provider: {webhook: {url: %q, result: {jsonPath: $}}}}\n", apiVersion, url)
	}
	metadata := store("external-secrets.io/v1", "http://169.254.169.254/latest/meta-data/iam/security-credentials/{{ .remoteRef.key }}")
	var err error
	eventually(t, 30*time.Second, func() error { // the edit role aggregates the chart's rules a moment later
		_, err = asDev(metadata, "create", "--dry-run=server", "-n", "team-fetch", "-f", "-")
		if err == nil || !strings.Contains(err.Error(), "secret-webhook-url") {
			return fmt.Errorf("not denied by secret-webhook-url yet: %v", err)
		}
		return nil
	})
	denied(t, "a SecretStore fetching the cloud's metadata address", err, "[secret-webhook-url] spec.provider.webhook.url",
		`a host outside the cluster that zone "internal"`, "spec.zones.access[].externalNames")

	for what, c := range map[string]struct{ doc, want string }{
		"a v1beta1 SecretStore whose host the template fills in": {store("external-secrets.io/v1beta1", "http://{{ .remoteRef.key }}/"), "whose host is filled in for each secret"},
		"a SecretStore fetching the API server":                  {store("external-secrets.io/v1", "https://kubernetes.default.svc/api/v1/secrets"), "the API server"},
		"a Webhook generator fetching the metadata server": {"apiVersion: generators.external-secrets.io/v1alpha1\nkind: Webhook\nmetadata: {name: token}\n" +
			"spec: {url: \"http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token\", headers: {Metadata-Flavor: Google}, result: {jsonPath: $.access_token}}\n",
			"[secret-webhook-url] spec.url"},
	} {
		_, err := asDev(c.doc, "create", "-n", "team-fetch", "-f", "-")
		denied(t, what, err, c.want)
	}
	absent(t, "team-fetch", "secretstores.external-secrets.io", "fetch")
	absent(t, "team-fetch", "webhooks.generators.external-secrets.io", "token")

	// A Service of a namespace the zones isolate is the zones' to judge.
	if _, err := asDev(store("external-secrets.io/v1", "http://vault.team-fetch.svc:8200/v1/kv/{{ .remoteRef.key }}"), "create", "-n", "team-fetch", "-f", "-"); err != nil {
		t.Fatalf("a SecretStore fetching a Service of the team's own was refused: %v", err)
	}
}
