package secrets_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/secrets"
)

// The guard exists where the policy names a store, matches every version of
// ExternalSecrets and PushSecrets in the teams' namespaces, and trusts the
// label admins and the operator's service accounts; the API server evaluates it (e2e
// TestTeamMemberCannotReachAnotherNamespacesSecrets).
func TestGuardFollowsTheStore(t *testing.T) {
	spec := policy.Default().Spec
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	guard := secrets.Guard{Install: v1alpha1.Install{PaveNamespace: "platform"}}
	if objs, err := guard.GenerateCluster(context.Background(), p); err != nil || len(objs) != 0 {
		t.Fatalf("without a store: %d objects, %v", len(objs), err)
	}

	spec.Secrets.Store = "org-vault"
	spec.Namespaces.LabelAdmins = []string{"platform-team"}
	if p, err = policy.FromSpec(spec); err != nil {
		t.Fatal(err)
	}
	objs, err := guard.GenerateCluster(context.Background(), p)
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, want the policy and its binding: %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	rule := vap.Spec.MatchConstraints.ResourceRules[0].Rule
	if rule.APIGroups[0] != "external-secrets.io" || rule.APIVersions[0] != "*" || !slices.Equal(rule.Resources, []string{"externalsecrets", "pushsecrets"}) {
		t.Errorf("matches %+v", rule)
	}
	skipped := vap.Spec.MatchConstraints.NamespaceSelector.MatchExpressions[0].Values
	for _, ns := range []string{"kube-system", "platform", spec.Zones.Isolation.Monitoring(), "external-secrets"} {
		if !slices.Contains(skipped, ns) {
			t.Errorf("namespace %s is matched; it is no team's (%v)", ns, skipped)
		}
	}
	if platform := vap.Spec.Variables[0].Expression; !strings.Contains(platform, `["platform-team", "system:masters", "system:serviceaccounts:external-secrets"]`) {
		t.Errorf("the platform team is %s", platform)
	}
	if *vap.Spec.FailurePolicy != admissionregistrationv1.Fail || len(vap.Spec.Validations) != 4 {
		t.Errorf("failure policy %s, %d validations", *vap.Spec.FailurePolicy, len(vap.Spec.Validations))
	}
	for _, v := range vap.Spec.Validations {
		if !strings.Contains(v.Expression, "variables.platform || ") || !strings.Contains(v.MessageExpression, `ClusterSecretStore ' + "org-vault"`) {
			t.Errorf("validation %s\nmessage %s", v.Expression, v.MessageExpression)
		}
	}

	if _, err := (secrets.Guard{}).GenerateCluster(context.Background(), p); err == nil {
		t.Error("no error without pave's namespace")
	}
}
