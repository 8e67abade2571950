package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/audit/reportguard"
)

// A report named pave that a team made while nothing kept it pave's
// (before pave was installed; here while the policy kept no reports, so
// the guard was gone) is not merged into once the guard is back: pave
// deletes it at its next write (the scan of the policy change, or a
// denial's) and starts a new one, and the findings the team wrote into it,
// blaming another team's workload, go with it.
func TestAReportMadeBeforeTheGuardIsReplaced(t *testing.T) {
	const ns, guard = "reportsquat", reportguard.PolicyName
	teamNamespace(t, ns)
	devWritesReports(t, ns)
	usePolicy(t, `{audit: {reports: "off"}}`)
	eventually(t, 60*time.Second, func() error {
		if out, _ := s.kubectl("get", "validatingadmissionpolicybinding", guard, "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("the report guard is still there: %s", out)
		}
		return nil
	})
	forged := `{"apiVersion": "openreports.io/v1alpha1", "kind": "Report",
  "metadata": {"name": "pave", "labels": {"app.kubernetes.io/managed-by": "pave"}}, "source": "pave",
  "results": [{"source": "pave", "policy": "pave", "rule": "forged", "category": "admission", "result": "fail", "severity": "high",
    "timestamp": {"seconds": 1790000000, "nanos": 0}, "resources": [{"kind": "Deployment", "name": "another-teams-app"}],
    "message": "a finding the team wrote", "properties": {"outcome": "deny", "count": "99", "lastUser": "alice"}}]}`
	eventually(t, 30*time.Second, func() error { // until the API server has dropped the guard too
		_, err := asDev(forged, "create", "-n", ns, "-f", "-")
		return err
	})
	stamp, err := s.kubectl("get", "reports.openreports.io", "pave", "-n", ns, "-o", "jsonpath={.metadata.creationTimestamp}")
	if err != nil {
		t.Fatal(err)
	}
	made, err := time.Parse(time.RFC3339, strings.TrimSpace(stamp))
	if err != nil {
		t.Fatal(err)
	}
	// The guard comes back in a later second than the report (the guard's
	// own second is pave's to write in).
	eventually(t, 5*time.Second, func() error {
		if !time.Now().Truncate(time.Second).After(made) {
			return fmt.Errorf("still the report's second, %s", made)
		}
		return nil
	})
	if _, err := s.kubectl("delete", "platformpolicy", "default"); err != nil { // the built-in policy: OpenReports
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "validatingadmissionpolicybinding", guard, "-o", "jsonpath={.metadata.creationTimestamp}")
		if err != nil || out == "" {
			return fmt.Errorf("no report guard yet: %v", err)
		}
		return nil
	})
	// Until pave's next write there, a scan's or the denial's below, pave
	// audit leaves the team's report out (or reads pave's new one).
	if out, _ := s.run(s.paveBin, "", "audit", "denials", "-n", ns, "-o", "json"); strings.Contains(out, "forged") {
		t.Errorf("pave audit shows the team's finding once the guard is back:\n%s", out)
	}
	_, err = asDev("", "apply", "-n", ns, "-f", "testdata/hostile.yaml")
	denied(t, "the hostile Deployment", err, "image-pinned")
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "reports.openreports.io", "pave", "-n", ns, "-o", `jsonpath={.metadata.creationTimestamp} {.results[*].rule}`)
		if err != nil {
			return err
		}
		if strings.Contains(out, "forged") || !strings.Contains(out, "image-pinned") {
			return fmt.Errorf("pave's report still holds the team's finding, or not yet the denial: %s", out)
		}
		return nil
	})
}
