package namespaces_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/pave-dev/pave/pkg/namespaces"
	"github.com/pave-dev/pave/pkg/policy"
)

// The guard names the policy's admins and every guarded label; the API
// server evaluates it (e2e TestGuardedNamespaceLabels).
func TestGuardFollowsThePolicy(t *testing.T) {
	spec := policy.Default().Spec
	spec.Namespaces.LabelAdmins = []string{"platform-team", "system:masters"}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := namespaces.Guard{}.GenerateCluster(context.Background(), p)
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	admin := vap.Spec.Variables[0].Expression
	if !strings.Contains(admin, `["platform-team", "system:masters"]`) {
		t.Errorf("admins: %s", admin)
	}
	rule := vap.Spec.Validations[0].Expression
	for _, l := range []string{"pave.dev/zone", "pave.dev/tier", "pave.dev/team"} {
		if !strings.Contains(rule, l) {
			t.Errorf("%s is not guarded: %s", l, rule)
		}
	}
	if *vap.Spec.FailurePolicy != admissionregistrationv1.Fail {
		t.Error("the guard must fail closed: it runs in the API server, it cannot be down")
	}
	b := objs[1].(*admissionregistrationv1.ValidatingAdmissionPolicyBinding)
	if b.Spec.PolicyName != vap.Name || b.Spec.ValidationActions[0] != admissionregistrationv1.Deny {
		t.Errorf("binding: %+v", b.Spec)
	}
}
