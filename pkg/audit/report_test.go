package audit

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pave-dev/pave/pkg/policy"
)

// A report says what pave found in both formats alike, with a summary by
// status, and reads back into the same results (what `pave audit` and the
// next merge start from); results of other sources are left alone.
func TestReportsRoundTrip(t *testing.T) {
	results := []Result{
		{Key: Key{Category: CategoryAdmission, Rule: "registry", Kind: "Deployment", Name: "api"}, APIVersion: "apps/v1", Outcome: policy.OutcomeDeny,
			Severity: "high", Field: "spec.template.spec.containers[0].image", Message: "not an allowed registry", Fix: "use registry.example.com",
			Count: 1000, FirstSeen: t0, LastSeen: t0.Add(time.Hour), LastUser: "alice"},
		{Key: Key{Category: CategoryAdmission, Rule: "probes", Kind: "Deployment", Name: "api"}, APIVersion: "apps/v1", Outcome: policy.OutcomeWarn,
			Severity: "medium", Count: 2, FirstSeen: t0, LastSeen: t0, LastUser: "bob"},
		{Key: Key{Category: CategoryAdmission, Rule: "no-latest", Kind: "Deployment", Name: "legacy"}, APIVersion: "apps/v1", Outcome: policy.OutcomeWaived,
			Severity: "high", Count: 1, FirstSeen: t0, LastSeen: t0},
		{Key: Key{Category: CategoryBackground, Kind: "StatefulSet", Name: "db"}, APIVersion: "apps/v1", Outcome: OutcomePass, Count: 1, FirstSeen: t0, LastSeen: t0},
	}
	or := OpenReport("shop", results)
	if or.Name != ReportName || or.Namespace != "shop" || or.Source != Source {
		t.Errorf("report %s/%s source %s", or.Namespace, or.Name, or.Source)
	}
	if s := or.Summary; s.Fail != 1 || s.Warn != 1 || s.Skip != 1 || s.Pass != 1 {
		t.Errorf("summary %+v", s)
	}
	if r := or.Results[0]; r.Result != "fail" || r.Subjects[0].Name != "api" || r.Subjects[0].Namespace != "shop" || r.Properties[PropCount] != "1000" || r.Timestamp.Seconds != t0.Add(time.Hour).Unix() {
		t.Errorf("first result %+v", r)
	}
	if d := cmp.Diff(results, FromOpenReport(or)); d != "" {
		t.Errorf("OpenReports round trip (-want +got):\n%s", d)
	}
	pr := PolicyReport("shop", results)
	if pr.Summary.Fail != 1 || pr.Summary.Pass != 1 || pr.Kind != "PolicyReport" {
		t.Errorf("PolicyReport %s summary %+v", pr.Kind, pr.Summary)
	}
	if d := cmp.Diff(results, FromPolicyReport(pr)); d != "" {
		t.Errorf("PolicyReport round trip (-want +got):\n%s", d)
	}
	or.Results[0].Source = "kyverno"
	if got := FromOpenReport(or); len(got) != 3 {
		t.Errorf("read %d results; another source's should be left out", len(got))
	}
}
