package namespaces_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
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
	for _, l := range []string{"pave.dev/zone", "pave.dev/tier", "pave.dev/team", "resource.kubernetes.io/admin-access"} {
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

// Who may set a guarded label, judged as the API server would: the label
// admins and system:masters, the break-glass group every guard trusts, even
// where the policy names other admins; a team member may label a namespace
// otherwise but not zone, tier or team it.
func TestGuardTrustsThePlatformTeam(t *testing.T) {
	spec := policy.Default().Spec
	spec.Namespaces.LabelAdmins = []string{"platform-team"}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := namespaces.Guard{}.GenerateCluster(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	ns := func(labels map[string]any) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": "orders", "labels": labels}}
	}
	team := []string{"system:authenticated", "orders-devs"}
	for _, c := range []struct {
		name     string
		groups   []string
		old, new map[string]any
		refused  bool
	}{
		{"a team member zones a new namespace", team, nil, map[string]any{"pave.dev/zone": "public"}, true},
		{"a team member moves a zone", team, map[string]any{"pave.dev/zone": "internal"}, map[string]any{"pave.dev/zone": "public"}, true},
		{"a team member drops the team", team, map[string]any{"pave.dev/team": "orders"}, map[string]any{}, true},
		{"a team member grants its namespace admin access to devices", team, nil, map[string]any{"resource.kubernetes.io/admin-access": "true"}, true},
		{"a team member adds a label of their own", team, map[string]any{"pave.dev/zone": "internal"}, map[string]any{"pave.dev/zone": "internal", "cost-centre": "42"}, false},
		{"the platform team zones it", []string{"platform-team"}, nil, map[string]any{"pave.dev/zone": "public"}, false},
		{"a cluster admin zones it", []string{"system:masters", "system:authenticated"}, map[string]any{"pave.dev/zone": "internal"}, map[string]any{"pave.dev/zone": "public"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, Operation: "CREATE", Groups: c.groups, Object: ns(c.new)}
			if c.old != nil {
				req.Operation, req.OldObject = "UPDATE", ns(c.old)
			}
			matched, failed, err := evaluate.Policy(vap, req)
			if err != nil || !matched {
				t.Fatalf("matched %v, %v", matched, err)
			}
			if c.refused != (len(failed) > 0) {
				t.Errorf("refused %v, want %v: %q", len(failed) > 0, c.refused, failed)
			}
			if c.refused && !strings.Contains(failed[0], "only members of platform-team, system:masters may set or change") {
				t.Errorf("message: %q", failed[0])
			}
		})
	}
}
