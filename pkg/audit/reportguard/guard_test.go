package reportguard_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
	"github.com/pave-dev/pave/pkg/policy"
)

// Who may write a namespace's report named pave, or one labelled as pave's,
// judged as the API server would (e2e TestTeamCannotRewriteItsAuditReport):
// pave's service accounts, the platform team, and the namespace controller
// deleting it with its namespace. A team member whose role writes reports
// (Kyverno's chart gives the admin role PolicyReports) keeps its own.
func TestReportGuardKeepsTheReportPaves(t *testing.T) {
	guard := reportguard.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}
	objs, err := guard.GenerateCluster(context.Background(), policy.Default())
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	if *vap.Spec.FailurePolicy != admissionregistrationv1.Fail {
		t.Error("the guard must fail closed: it runs in the API server")
	}
	reports := schema.GroupVersionResource{Group: "openreports.io", Version: "v1alpha1", Resource: "reports"}
	report := func(name string, labels map[string]any) map[string]any {
		meta := map[string]any{"name": name, "namespace": "payments"}
		if labels != nil {
			meta["labels"] = labels
		}
		return map[string]any{"apiVersion": "openreports.io/v1alpha1", "kind": "Report", "metadata": meta}
	}
	paves := report("pave", map[string]any{"app.kubernetes.io/managed-by": "pave"})
	team := []string{"system:authenticated", "payments-admins"}
	for _, c := range []struct {
		name          string
		op            admissionregistrationv1.OperationType
		object, old   map[string]any
		user          string
		groups        []string
		namespace     string
		refused, miss bool
	}{
		{name: "a team member deletes pave's report", op: "DELETE", old: paves, groups: team, refused: true},
		{name: "a team member edits its results", op: "UPDATE", object: paves, old: paves, groups: team, refused: true},
		{name: "a team member makes one named pave first", op: "CREATE", object: report("pave", nil), groups: team, refused: true},
		{name: "a team member labels a report as pave's", op: "CREATE", object: report("mine", map[string]any{"app.kubernetes.io/managed-by": "pave"}), groups: team, refused: true},
		{name: "a team member takes pave's label off a report", op: "UPDATE", object: report("old", nil), old: report("old", map[string]any{"app.kubernetes.io/managed-by": "pave"}), groups: team, refused: true},
		{name: "a team member writes a report of its own", op: "CREATE", object: report("mine", map[string]any{"app": "scanner"}), groups: team},
		{name: "a team member deletes a report of its own", op: "DELETE", old: report("mine", nil), groups: team},
		{name: "pave writes it", op: "UPDATE", object: paves, old: paves, user: "system:serviceaccount:pave-system:pave-controller", groups: []string{"system:serviceaccounts", "system:serviceaccounts:pave-system"}},
		{name: "the platform team deletes it", op: "DELETE", old: paves, groups: []string{"system:masters"}},
		{name: "the namespace controller deletes it with the namespace", op: "DELETE", old: paves, user: "system:serviceaccount:kube-system:namespace-controller", groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system"}},
		{name: "kube-system's service accounts write none", op: "UPDATE", object: paves, old: paves, user: "system:serviceaccount:kube-system:namespace-controller", groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system"}, refused: true},
		{name: "in pave's own namespace", op: "DELETE", old: paves, groups: team, namespace: "pave-system", miss: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ns := c.namespace
			if ns == "" {
				ns = "payments"
			}
			req := evaluate.Request{Resource: reports, Operation: c.op, Namespace: ns, Username: c.user, Groups: c.groups, Object: c.object, OldObject: c.old}
			matched, failed, err := evaluate.Policy(vap, req)
			if err != nil {
				t.Fatal(err)
			}
			if matched == c.miss {
				t.Fatalf("matched %v, want %v", matched, !c.miss)
			}
			if c.refused != (len(failed) > 0) {
				t.Fatalf("refused %v, want %v: %q", len(failed) > 0, c.refused, failed)
			}
			if c.refused && !strings.Contains(failed[0], "is pave's audit report of namespace payments, written by pave alone") {
				t.Errorf("message: %q", failed[0])
			}
		})
	}
}

// The guard follows the report format the policy names, and is not written
// where pave keeps no report.
func TestReportGuardFollowsTheFormat(t *testing.T) {
	guard := reportguard.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}
	for format, want := range map[string]string{
		"":                           "openreports.io/v1alpha1/reports",
		v1alpha1.ReportsOpenReports:  "openreports.io/v1alpha1/reports",
		v1alpha1.ReportsPolicyReport: "wgpolicyk8s.io/v1alpha2/policyreports",
		v1alpha1.ReportsOff:          "",
	} {
		spec := policy.Default().Spec
		spec.Audit.Reports = format
		p, err := policy.FromSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := guard.GenerateCluster(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			if len(objs) != 0 {
				t.Errorf("reports %q: %d objects, want none", format, len(objs))
			}
			continue
		}
		if len(objs) != 2 {
			t.Fatalf("reports %q: %d objects, want a policy and its binding", format, len(objs))
		}
		r := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy).Spec.MatchConstraints.ResourceRules[0]
		if got := r.APIGroups[0] + "/" + r.APIVersions[0] + "/" + r.Resources[0]; got != want {
			t.Errorf("reports %q: matches %s, want %s", format, got, want)
		}
		if len(r.Operations) != 3 {
			t.Errorf("reports %q: operations %v, want CREATE, UPDATE and DELETE", format, r.Operations)
		}
	}
}
