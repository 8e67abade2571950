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
// keys. The operator's chart gives the edit role SecretStores and
// generators. So the team's own credentials are named: a Secret
// (secretRef) or a service account of the namespace (jwt,
// workloadIdentity, serviceAccountRef).
type SecretStoreIdentity struct{}

var ruleSecretStoreIdentity = policy.Rule{ID: "secret-store-identity", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "a team's SecretStore or cloud token generator of the External Secrets Operator signs in with the namespace's own credentials (a Secret or a service account), not as the operator, whose identity the platform's stores use"}

// Name implements engine.ObjectValidator.
func (SecretStoreIdentity) Name() string { return "secret-store-identity" }

// Kinds implements engine.ObjectValidator.
func (SecretStoreIdentity) Kinds() []schema.GroupVersionKind {
	gen := func(kind string) schema.GroupVersionKind {
		return schema.GroupVersionKind{Group: paveobject.ExternalSecretsGenerators, Version: "v1alpha1", Kind: kind}
	}
	return []schema.GroupVersionKind{
		{Group: paveobject.ExternalSecrets, Version: "v1", Kind: "SecretStore"},
		gen("ECRAuthorizationToken"), gen("STSSessionToken"), gen("GCRAccessToken"), gen("ACRAccessToken"),
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

// ambientIdentity is where u signs in as the operator, the cloud it signs
// in to and how to name the namespace's own credentials; "" where it names
// them (or is of a provider that needs them anyway).
func ambientIdentity(u *unstructured.Unstructured) (field, cloud, fix string) {
	const (
		awsFix   = "set %s.jwt.serviceAccountRef to a service account of the namespace (IRSA) or %s.secretRef to a Secret of its keys"
		gcpFix   = "set %s.workloadIdentity.serviceAccountRef to a service account of the namespace or %s.secretRef to a Secret of its key"
		azureFix = "use authType ServicePrincipal with authSecretRef, or WorkloadIdentity with serviceAccountRef naming a service account of the namespace"
	)
	has := func(path ...string) bool {
		m, _, _ := unstructured.NestedMap(u.Object, path...)
		return len(m) > 0
	}
	// own is where u, at auth, names none of keys, the kinds of credentials
	// of the cloud's own.
	own := func(at []string, cloud, fix string, keys ...string) (string, string, string) {
		for _, k := range keys {
			if has(slices.Concat(at, []string{k})...) {
				return "", "", ""
			}
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
		}
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
