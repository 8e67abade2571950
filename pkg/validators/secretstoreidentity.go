package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	paveobject "github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// SecretStoreIdentity keeps a team's own SecretStore, and its generators of
// cloud tokens, signing in as the team. Where one names no credentials of
// its own, the External Secrets Operator signs in to AWS, Google Cloud or
// Azure as itself: the credentials its pod was given (IRSA, GKE workload
// identity, an Azure managed or workload identity), which the platform's
// own stores use. A team's SecretStore of the AWS provider with no auth
// then reads every key the platform's store may, another team's among them,
// past the store guard that keeps the platform's store to the namespace's
// keys. Vault's Kubernetes auth without a service account or a Secret of a
// token logs in with the operator's own service account token, and its AWS
// IAM auth without either with the operator's AWS identity: the Vault role
// the platform's store logs in to. Oracle's instance principal, or its
// workload principal without a service account, and IBM's container auth
// are the operator's too. The operator's chart gives the edit role
// SecretStores and generators. So the team's own credentials are named: a
// Secret (secretRef) or a service account of the namespace (jwt,
// workloadIdentity, serviceAccountRef).
type SecretStoreIdentity struct{}

var ruleSecretStoreIdentity = policy.Rule{ID: "secret-store-identity", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "a team's SecretStore, or cloud token or Vault dynamic secret generator, of the External Secrets Operator signs in with the namespace's own credentials (a Secret or a service account), not as the operator, whose identity the platform's stores use"}

// Name implements engine.ObjectValidator.
func (SecretStoreIdentity) Name() string { return "secret-store-identity" }

// Kinds implements engine.ObjectValidator.
func (SecretStoreIdentity) Kinds() []schema.GroupVersionKind {
	gen := func(kind string) schema.GroupVersionKind {
		return schema.GroupVersionKind{Group: paveobject.ExternalSecretsGenerators, Version: "v1alpha1", Kind: kind}
	}
	return []schema.GroupVersionKind{
		{Group: paveobject.ExternalSecrets, Version: "v1", Kind: "SecretStore"},
		gen("ECRAuthorizationToken"), gen("STSSessionToken"), gen("GCRAccessToken"), gen("ACRAccessToken"), gen("VaultDynamicSecret"),
	}
}

// Rules implements engine.ObjectValidator.
func (SecretStoreIdentity) Rules() []policy.Rule { return []policy.Rule{ruleSecretStoreIdentity} }

// ValidateObject implements engine.ObjectValidator.
func (SecretStoreIdentity) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	u, ok := teamsOperatorObject(obj, env)
	if !ok {
		return nil
	}
	field, cloud, fix := ambientIdentity(u)
	if field == "" {
		return nil
	}
	return []policy.Violation{ruleSecretStoreIdentity.Violation(field,
		fmt.Sprintf("%s %q names no credentials of its own, so the External Secrets Operator signs in to %s as itself, with the credentials its own pod was given: it could read whatever they reach, other namespaces' secrets among them", u.GetKind(), u.GetName(), cloud),
		fix)}
}

// awsFix is how to name the namespace's own AWS credentials at %s (twice).
const awsFix = "set %s.jwt.serviceAccountRef to a service account of the namespace (IRSA) or %s.secretRef to a Secret of its keys"

// ambientIdentity is where u signs in as the operator, the cloud it signs
// in to and how to name the namespace's own credentials; "" where it names
// them (or is of a provider that needs them anyway).
func ambientIdentity(u *unstructured.Unstructured) (field, cloud, fix string) {
	const (
		gcpFix   = "set %s.workloadIdentity.serviceAccountRef to a service account of the namespace or %s.secretRef to a Secret of its key"
		azureFix = "use authType ServicePrincipal with authSecretRef, or WorkloadIdentity with serviceAccountRef naming a service account of the namespace"
	)
	has := func(path ...string) bool { return nonEmpty(u, path...) }
	// own is where u, at auth, names none of keys, the kinds of credentials
	// of the cloud's own.
	own := func(at []string, cloud, fix string, keys ...string) (string, string, string) {
		if setAny(u, at, keys...) {
			return "", "", ""
		}
		f := strings.Join(at, ".")
		return f, cloud, fmt.Sprintf(fix, f, f)
	}
	awsAuth := func(at ...string) (string, string, string) { return own(at, "AWS", awsFix, "jwt", "secretRef") }
	gcpAuth := func(at ...string) (string, string, string) {
		return own(at, "Google Cloud", gcpFix, "workloadIdentity", "secretRef")
	}
	switch u.GetKind() {
	case "SecretStore":
		switch {
		case has("spec", "provider", "aws"):
			return awsAuth("spec", "provider", "aws", "auth")
		case has("spec", "provider", "gcpsm"):
			return gcpAuth("spec", "provider", "gcpsm", "auth")
		case has("spec", "provider", "azurekv"):
			authType, _, _ := unstructured.NestedString(u.Object, "spec", "provider", "azurekv", "authType")
			if authType == "ManagedIdentity" || authType == "WorkloadIdentity" && !has("spec", "provider", "azurekv", "serviceAccountRef") {
				return "spec.provider.azurekv.authType", "Azure", azureFix
			}
		case has("spec", "provider", "vault"):
			return vaultAuth(u, "spec", "provider", "vault", "auth")
		case has("spec", "provider", "oracle"):
			return oracleAuth(u)
		case has("spec", "provider", "ibm", "auth", "containerAuth"):
			return "spec.provider.ibm.auth.containerAuth", "IBM Cloud", "use auth.secretRef.secretApiKeySecretRef, an API key in a Secret of the namespace: container auth reads a token of the operator's own pod, never one of a service account of the namespace"
		}
	case "VaultDynamicSecret":
		return vaultAuth(u, "spec", "provider", "auth")
	case "ECRAuthorizationToken", "STSSessionToken":
		return awsAuth("spec", "auth")
	case "GCRAccessToken":
		return gcpAuth("spec", "auth")
	case "ACRAccessToken":
		if _, managed, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "auth", "managedIdentity"); managed {
			return "spec.auth.managedIdentity", "Azure", "use auth.servicePrincipal, or auth.workloadIdentity with serviceAccountRef naming a service account of the namespace"
		}
		if _, wi, _ := unstructured.NestedMap(u.Object, "spec", "auth", "workloadIdentity"); wi && !has("spec", "auth", "workloadIdentity", "serviceAccountRef") {
			return "spec.auth.workloadIdentity", "Azure", "set auth.workloadIdentity.serviceAccountRef to a service account of the namespace"
		}
	}
	return "", "", ""
}

// vaultAuth is where a Vault provider's auth, at, signs in as the operator.
// The operator takes the first method set, in its order
// (pkg/provider/vault/auth.go, v0.16.2): Kubernetes auth without a service
// account or a Secret of a token sends the operator's own service account
// token, and AWS IAM auth without either the operator's AWS identity.
func vaultAuth(u *unstructured.Unstructured, at ...string) (field, cloud, fix string) {
	for _, method := range []string{"tokenSecretRef", "appRole", "kubernetes", "ldap", "userPass", "jwt", "cert", "iam"} {
		path := slices.Concat(at, []string{method})
		// A null is no method: the operator's field stays nil.
		if v, set, _ := unstructured.NestedFieldNoCopy(u.Object, path...); !set || v == nil {
			continue
		}
		f := strings.Join(path, ".")
		switch {
		case method == "kubernetes" && !setAny(u, path, "serviceAccountRef", "secretRef"):
			return f, "Vault", fmt.Sprintf("set %s.serviceAccountRef to a service account of the namespace that a Vault role of the team's own is bound to, or %s.secretRef to a Secret of such a token", f, f)
		case method == "iam" && !setAny(u, path, "jwt", "secretRef"):
			return f, "Vault", fmt.Sprintf(awsFix, f, f)
		}
		return "", "", ""
	}
	return "", "", ""
}

// oracleAuth is where an Oracle provider signs in as the operator
// (pkg/provider/oracle, v0.16.2): as the node's instance principal, asked
// for or for want of a user's key (auth), or as a workload principal with
// the operator's own service account.
func oracleAuth(u *unstructured.Unstructured) (field, cloud, fix string) {
	const oracleFix = "set principalType Workload with serviceAccountRef naming a service account of the namespace, or auth naming a user and a Secret of their key"
	at := []string{"spec", "provider", "oracle"}
	principal, _, _ := unstructured.NestedString(u.Object, slices.Concat(at, []string{"principalType"})...)
	switch {
	case principal == "Workload":
		if !setAny(u, at, "serviceAccountRef") {
			return "spec.provider.oracle.serviceAccountRef", "Oracle Cloud", oracleFix
		}
	case principal == "InstancePrincipal":
		return "spec.provider.oracle.principalType", "Oracle Cloud", oracleFix
	case !setAny(u, at, "auth"):
		return "spec.provider.oracle.auth", "Oracle Cloud", oracleFix
	}
	return "", "", ""
}

// setAny says whether u sets any of keys, a non-empty object, under at.
func setAny(u *unstructured.Unstructured, at []string, keys ...string) bool {
	return slices.ContainsFunc(keys, func(k string) bool { return nonEmpty(u, slices.Concat(at, []string{k})...) })
}

// nonEmpty says whether u holds a non-empty object at path.
func nonEmpty(u *unstructured.Unstructured, path ...string) bool {
	m, _, _ := unstructured.NestedMap(u.Object, path...)
	return len(m) > 0
}
