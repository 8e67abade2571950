package validators_test

import (
	"cmp"
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/validators"
)

// A team's SecretStore or cloud token generator that names no credentials
// of its own signs in as the External Secrets Operator, with the identity
// the platform's stores use: refused, with where to name the namespace's.
func TestSecretStoreIdentity(t *testing.T) {
	for _, c := range []struct {
		name, doc, namespace string
		field, cloud         string // "": allowed
	}{
		{name: "AWS with no auth", doc: "kind: SecretStore\nspec: {provider: {aws: {service: SecretsManager, region: eu-west-1}}}",
			field: "spec.provider.aws.auth", cloud: "AWS"},
		{name: "AWS assuming a role as the operator", doc: "kind: SecretStore\nspec: {provider: {aws: {service: SecretsManager, region: eu-west-1, role: arn:aws:iam::1:role/all, auth: {}}}}",
			field: "spec.provider.aws.auth", cloud: "AWS"},
		{name: "AWS by the namespace's service account", doc: "kind: SecretStore\nspec: {provider: {aws: {service: SecretsManager, auth: {jwt: {serviceAccountRef: {name: app}}}}}}"},
		{name: "AWS by a Secret of keys", doc: "kind: SecretStore\nspec: {provider: {aws: {service: SecretsManager, auth: {secretRef: {accessKeyIDSecretRef: {name: aws, key: id}}}}}}"},
		{name: "Google Cloud with no auth", doc: "kind: SecretStore\nspec: {provider: {gcpsm: {projectID: p}}}",
			field: "spec.provider.gcpsm.auth", cloud: "Google Cloud"},
		{name: "Google Cloud by workload identity", doc: "kind: SecretStore\nspec: {provider: {gcpsm: {projectID: p, auth: {workloadIdentity: {serviceAccountRef: {name: app}}}}}}"},
		{name: "Azure by the pod's managed identity", doc: "kind: SecretStore\nspec: {provider: {azurekv: {vaultUrl: https://v.vault.azure.net, authType: ManagedIdentity}}}",
			field: "spec.provider.azurekv.authType", cloud: "Azure"},
		{name: "Azure by the operator's workload identity", doc: "kind: SecretStore\nspec: {provider: {azurekv: {vaultUrl: https://v.vault.azure.net, authType: WorkloadIdentity}}}",
			field: "spec.provider.azurekv.authType", cloud: "Azure"},
		{name: "Azure by the namespace's workload identity", doc: "kind: SecretStore\nspec: {provider: {azurekv: {authType: WorkloadIdentity, serviceAccountRef: {name: app}}}}"},
		{name: "Azure by a service principal, the default", doc: "kind: SecretStore\nspec: {provider: {azurekv: {authSecretRef: {clientId: {name: sp, key: id}}}}}"},
		{name: "Vault by a token of the namespace", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {tokenSecretRef: {name: t, key: token}}}}}"},
		{name: "Vault by the operator's own token", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {kubernetes: {mountPath: kubernetes, role: external-secrets}}}}}",
			field: "spec.provider.vault.auth.kubernetes", cloud: "Vault"},
		{name: "Vault by the namespace's service account", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {kubernetes: {mountPath: kubernetes, role: shop, serviceAccountRef: {name: app}}}}}}"},
		{name: "Vault by a Secret of a service account token", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {kubernetes: {mountPath: kubernetes, role: shop, secretRef: {name: sa-token}}}}}}"},
		// The operator tries a token from a Secret before Kubernetes auth.
		{name: "Vault by a token before Kubernetes auth", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {tokenSecretRef: {name: t, key: token}, kubernetes: {mountPath: kubernetes, role: external-secrets}}}}}"},
		{name: "Vault by the operator's own token behind a null token", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {tokenSecretRef: null, kubernetes: {mountPath: kubernetes, role: external-secrets}}}}}",
			field: "spec.provider.vault.auth.kubernetes", cloud: "Vault"},
		{name: "Vault by the operator's AWS identity", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {iam: {vaultRole: external-secrets}}}}}",
			field: "spec.provider.vault.auth.iam", cloud: "Vault"},
		{name: "Vault by the namespace's AWS identity", doc: "kind: SecretStore\nspec: {provider: {vault: {server: https://vault.example.com, auth: {iam: {vaultRole: shop, jwt: {serviceAccountRef: {name: app}}}}}}}"},
		{name: "a Vault dynamic secret as the operator", doc: "kind: VaultDynamicSecret\nspec: {path: aws/creds/admin, provider: {server: https://vault.example.com, auth: {kubernetes: {mountPath: kubernetes, role: external-secrets}}}}",
			field: "spec.provider.auth.kubernetes", cloud: "Vault"},
		{name: "a Vault dynamic secret by the namespace's service account", doc: "kind: VaultDynamicSecret\nspec: {path: db/creds/shop, provider: {server: https://vault.example.com, auth: {kubernetes: {mountPath: kubernetes, role: shop, serviceAccountRef: {name: app}}}}}"},
		{name: "Oracle by the node's instance principal", doc: "kind: SecretStore\nspec: {provider: {oracle: {region: eu-frankfurt-1, vault: v, principalType: InstancePrincipal}}}",
			field: "spec.provider.oracle.principalType", cloud: "Oracle Cloud"},
		{name: "Oracle with no user, so by the instance principal", doc: "kind: SecretStore\nspec: {provider: {oracle: {region: eu-frankfurt-1, vault: v}}}",
			field: "spec.provider.oracle.auth", cloud: "Oracle Cloud"},
		{name: "Oracle by the operator's workload identity", doc: "kind: SecretStore\nspec: {provider: {oracle: {region: eu-frankfurt-1, vault: v, principalType: Workload}}}",
			field: "spec.provider.oracle.serviceAccountRef", cloud: "Oracle Cloud"},
		{name: "Oracle by the namespace's workload identity", doc: "kind: SecretStore\nspec: {provider: {oracle: {region: eu-frankfurt-1, vault: v, principalType: Workload, serviceAccountRef: {name: app}}}}"},
		{name: "Oracle by a user's key", doc: "kind: SecretStore\nspec: {provider: {oracle: {region: eu-frankfurt-1, vault: v, auth: {tenancy: t, user: u, secretRef: {privatekey: {name: k, key: pem}}}}}}"},
		{name: "IBM Cloud by the operator's container token", doc: "kind: SecretStore\nspec: {provider: {ibm: {serviceUrl: https://sm.example.com, auth: {containerAuth: {profile: all-secrets, tokenLocation: /var/run/secrets/kubernetes.io/serviceaccount/token}}}}}",
			field: "spec.provider.ibm.auth.containerAuth", cloud: "IBM Cloud"},
		{name: "IBM Cloud by an API key", doc: "kind: SecretStore\nspec: {provider: {ibm: {serviceUrl: https://sm.example.com, auth: {secretRef: {secretApiKeySecretRef: {name: ibm, key: apikey}}}}}}"},
		{name: "an ECR token as the operator", doc: "kind: ECRAuthorizationToken\nspec: {region: eu-west-1}", field: "spec.auth", cloud: "AWS"},
		{name: "an STS session as the operator", doc: "kind: STSSessionToken\nspec: {region: eu-west-1, auth: {}}", field: "spec.auth", cloud: "AWS"},
		{name: "an ECR token by the namespace's service account", doc: "kind: ECRAuthorizationToken\nspec: {region: eu-west-1, auth: {jwt: {serviceAccountRef: {name: app}}}}"},
		{name: "a GCR token as the operator", doc: "kind: GCRAccessToken\nspec: {projectID: p, auth: {}}", field: "spec.auth", cloud: "Google Cloud"},
		{name: "an ACR token by the managed identity", doc: "kind: ACRAccessToken\nspec: {registry: r.azurecr.io, auth: {managedIdentity: {}}}", field: "spec.auth.managedIdentity", cloud: "Azure"},
		{name: "an ACR token by the operator's workload identity", doc: "kind: ACRAccessToken\nspec: {registry: r.azurecr.io, auth: {workloadIdentity: {}}}", field: "spec.auth.workloadIdentity", cloud: "Azure"},
		{name: "an ACR token by the namespace's workload identity", doc: "kind: ACRAccessToken\nspec: {registry: r.azurecr.io, auth: {workloadIdentity: {serviceAccountRef: {name: app}}}}"},
		{name: "in the operator's namespace", doc: "kind: SecretStore\nspec: {provider: {aws: {service: SecretsManager}}}", namespace: "external-secrets"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte("metadata: {name: store}\n"+c.doc), &u.Object); err != nil {
				t.Fatal(err)
			}
			got := validators.SecretStoreIdentity{}.ValidateObject(context.Background(), u, zoneEnv(t, cmp.Or(c.namespace, "shop"), "", ""))
			if c.field == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "secret-store-identity")
			if v := got[0]; v.Field != c.field || !strings.Contains(v.Message, "signs in to "+c.cloud+" as itself") || !strings.Contains(v.Message, `"store" names no credentials of its own`) || !strings.Contains(v.Fix, "service account of the namespace") {
				t.Errorf("%+v", v)
			}
		})
	}
}
