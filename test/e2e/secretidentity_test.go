package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A team member's own SecretStore, or cloud token or Vault dynamic secret
// generator, may not sign in as the External Secrets Operator, with the
// identity the platform's stores use; with the namespace's own service
// account it may. The edit role gets
// both as the operator's chart gives them.
func TestTeamMemberCannotSignInAsTheOperator(t *testing.T) {
	teamNamespace(t, "team-identity")
	esoEditRoles(t)
	// Vault's Kubernetes auth, as the platform's ClusterSecretStore often
	// logs in: the operator's role, with its own token unless the store
	// names a service account.
	vault := func(name, serviceAccount string) string {
		return "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: " + name + "}\nspec: {provider: {vault: {server: \"https://vault.example.com\", path: secret, auth: {kubernetes: {mountPath: kubernetes, role: external-secrets" + serviceAccount + "}}}}}\n"
	}
	aws := func(auth string) string {
		return "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: aws}\nspec: {provider: {aws: {service: SecretsManager, region: eu-west-1" + auth + "}}}\n"
	}
	var err error
	eventually(t, 30*time.Second, func() error { // the edit role aggregates the chart's rules a moment later
		_, err = asDev(aws(""), "create", "--dry-run=server", "-n", "team-identity", "-f", "-")
		if err == nil || !strings.Contains(err.Error(), "secret-store-identity") {
			return fmt.Errorf("not denied by secret-store-identity yet: %v", err)
		}
		return nil
	})
	denied(t, "a SecretStore signing in to AWS as the operator", err, "[secret-store-identity] spec.provider.aws.auth",
		`SecretStore "aws" names no credentials of its own, so the External Secrets Operator signs in to AWS as itself`)

	for what, c := range map[string]struct{ doc, want string }{
		"a v1beta1 SecretStore signing in to Azure as the pod's managed identity": {
			"apiVersion: external-secrets.io/v1beta1\nkind: SecretStore\nmetadata: {name: azure}\nspec: {provider: {azurekv: {vaultUrl: \"https://v.vault.azure.net\", authType: ManagedIdentity}}}\n",
			"[secret-store-identity] spec.provider.azurekv.authType"},
		"an ECR token as the operator": {
			"apiVersion: generators.external-secrets.io/v1alpha1\nkind: ECRAuthorizationToken\nmetadata: {name: ecr}\nspec: {region: eu-west-1}\n",
			"[secret-store-identity] spec.auth"},
		"a SecretStore logging in to Vault with the operator's own token": {
			vault("vault", ""),
			"[secret-store-identity] spec.provider.vault.auth.kubernetes"},
		"a Vault dynamic secret logging in with the operator's own token": {
			"apiVersion: generators.external-secrets.io/v1alpha1\nkind: VaultDynamicSecret\nmetadata: {name: admin}\nspec: {path: aws/creds/admin, provider: {server: \"https://vault.example.com\", auth: {kubernetes: {mountPath: kubernetes, role: external-secrets}}}}\n",
			"[secret-store-identity] spec.provider.auth.kubernetes"},
	} {
		_, err := asDev(c.doc, "create", "-n", "team-identity", "-f", "-")
		denied(t, what, err, c.want)
	}
	absent(t, "team-identity", "secretstores.external-secrets.io", "aws")
	if _, err := asDev(aws(", auth: {jwt: {serviceAccountRef: {name: default}}}"), "create", "-n", "team-identity", "-f", "-"); err != nil {
		t.Fatalf("a SecretStore signing in as the namespace's service account was refused: %v", err)
	}
	if _, err := asDev(vault("vault-own", ", serviceAccountRef: {name: default}"), "create", "-n", "team-identity", "-f", "-"); err != nil {
		t.Fatalf("a SecretStore logging in to Vault as the namespace's service account was refused: %v", err)
	}
}
