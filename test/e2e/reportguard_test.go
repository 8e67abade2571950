package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A team member whose role writes reports (Kyverno's chart aggregates
// PolicyReports into the admin role; here a Role grants OpenReports'
// Reports) can neither delete nor rewrite the report that holds its
// namespace's denials, nor make one that passes for pave's; its own
// reports stay its own, pave goes on writing its own, and the namespace
// controller deletes it with the namespace. The API server refuses them by
// the policy pave's controller writes.
func TestTeamCannotRewriteItsAuditReport(t *testing.T) {
	const ns = "reportguard"
	teamNamespace(t, ns)
	devWritesReports(t, ns)
	_, err := asDev("", "apply", "-n", ns, "-f", "testdata/hostile.yaml")
	denied(t, "the hostile Deployment", err, "image-pinned")
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "reports.openreports.io", "pave", "-n", ns, "-o", "jsonpath={.summary.fail}")
		if err != nil || out == "" || out == "0" {
			return fmt.Errorf("no denial in the report yet: %q %v", out, err)
		}
		return nil
	})

	refused := func(what string, err error) error {
		if err == nil {
			return fmt.Errorf("%s was allowed", what)
		}
		if !strings.Contains(err.Error(), "ValidatingAdmissionPolicy 'pave-audit-reports'") || !strings.Contains(err.Error(), "is pave's audit report of namespace "+ns) {
			return fmt.Errorf("%s: %v", what, err)
		}
		return nil
	}
	// The controller writes the policy: wait until the API server has it.
	eventually(t, 60*time.Second, func() error {
		_, err := asDev("", "delete", "reports.openreports.io", "pave", "-n", ns)
		if err == nil {
			t.Fatal("the team member deleted the report of its denials")
		}
		return refused("deleting pave's report", err)
	})
	_, err = asDev("", "patch", "reports.openreports.io", "pave", "-n", ns, "--type", "merge", "-p", `{"results": [], "summary": {"fail": 0}}`)
	if err := refused("emptying pave's report", err); err != nil {
		t.Error(err)
	}
	forged := `{"apiVersion": "openreports.io/v1alpha1", "kind": "Report", "metadata": {"name": "forged", "labels": {"app.kubernetes.io/managed-by": "pave"}}, "source": "pave"}`
	_, err = asDev(forged, "create", "-n", ns, "-f", "-")
	if err := refused("a report labelled as pave's", err); err != nil {
		t.Error(err)
	}
	absent(t, ns, "reports.openreports.io", "forged")

	own := `{"apiVersion": "openreports.io/v1alpha1", "kind": "Report", "metadata": {"name": "scanner"}, "source": "trivy"}`
	if _, err := asDev(own, "create", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("the team's own report was refused: %v", err)
	}
	if _, err := asDev("", "delete", "reports.openreports.io", "scanner", "-n", ns); err != nil {
		t.Fatalf("the team's own report could not be deleted: %v", err)
	}
	// pave itself still writes it: the next denial is counted there.
	_, err = asDev("", "apply", "-n", ns, "-f", "testdata/hostile.yaml")
	denied(t, "the hostile Deployment again", err, "image-pinned")
	eventually(t, 30*time.Second, func() error {
		rows, err := auditRows(t, "denials", "-n", ns, "--rule", "image-pinned")
		if err != nil {
			return err
		}
		if len(rows) != 1 || rows[0]["count"] != float64(2) {
			return fmt.Errorf("the second denial is not counted in pave's report yet: %v", rows)
		}
		return nil
	})

	// The namespace goes with its report: the namespace controller deletes it.
	if _, err := s.kubectl("delete", "namespace", ns, "--wait=false"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if out, _ := s.kubectl("get", "namespace", ns, "--ignore-not-found", "-o", "jsonpath={.status}"); out != "" {
			return fmt.Errorf("namespace %s is still there: %s", ns, out)
		}
		return nil
	})
}

// devWritesReports grants the team member every verb on OpenReports'
// Reports in ns, as Kyverno's chart grants the admin role on PolicyReports.
func devWritesReports(t *testing.T, ns string) {
	t.Helper()
	grantDev(t, ns, "reports", "[{apiGroups: [openreports.io], resources: [reports], verbs: [get, list, create, update, patch, delete]}]")
}
