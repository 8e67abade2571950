package metrics_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
)

func TestCounts(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	deny := policy.Violation{Rule: "image-pinned", Mode: v1alpha1.ModeEnforce}
	warn := policy.Violation{Rule: "readiness-probe", Mode: v1alpha1.ModeWarn}
	m.Finding(deny, "shop")
	m.Finding(deny, "shop")
	m.Finding(warn, "shop")
	m.Mutated([]string{"labels", "security-context"})
	m.Companion("NetworkPolicy", nil)
	m.Companion("Schedule", errors.New("namespace velero not found"))
	m.CompanionUnchanged("NetworkPolicy")
	m.PolicyInForce(7, 3*time.Millisecond)
	m.CertificateExpires(time.Unix(1900000000, 0))
	m.BackgroundUnread(2)
	want := `
# HELP pave_admission_findings_total Rule findings in admission decisions, by rule, mode, outcome (deny, warn, waived, record) and namespace.
# TYPE pave_admission_findings_total counter
pave_admission_findings_total{mode="enforce",namespace="shop",outcome="deny",rule="image-pinned"} 2
pave_admission_findings_total{mode="warn",namespace="shop",outcome="warn",rule="readiness-probe"} 1
# HELP pave_companions_total Companion objects the controller applied, by kind and result (applied, failed, unchanged: as last applied, not applied again).
# TYPE pave_companions_total counter
pave_companions_total{kind="NetworkPolicy",result="applied"} 1
pave_companions_total{kind="NetworkPolicy",result="unchanged"} 1
pave_companions_total{kind="Schedule",result="failed"} 1
# HELP pave_policy_generation Generation of the PlatformPolicy in force (0: the built-in policy).
# TYPE pave_policy_generation gauge
pave_policy_generation 7
# HELP pave_certificate_expiry_timestamp_seconds When the webhook's serving certificate expires, as a Unix time.
# TYPE pave_certificate_expiry_timestamp_seconds gauge
pave_certificate_expiry_timestamp_seconds 1.9e+09
# HELP pave_mutations_total Objects a mutator changed at admission, by mutator.
# TYPE pave_mutations_total counter
pave_mutations_total{mutator="labels"} 1
pave_mutations_total{mutator="security-context"} 1
# HELP pave_audit_background_unread_kinds Kinds the last background audit could not list: their results in the reports are those of an earlier scan.
# TYPE pave_audit_background_unread_kinds gauge
pave_audit_background_unread_kinds 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "pave_admission_findings_total", "pave_companions_total",
		"pave_policy_generation", "pave_certificate_expiry_timestamp_seconds", "pave_mutations_total", "pave_audit_background_unread_kinds"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "pave_policy_compile_seconds"); n != 1 {
		t.Errorf("compile histogram: %d series", n)
	}
	if _, err := metrics.New(reg); err == nil {
		t.Error("registering twice succeeded: two webhooks would count into one another")
	}
}

// A nil *Pave records nothing and never panics: tests and the CLI hold none.
func TestNilRecordsNothing(t *testing.T) {
	var m *metrics.Pave
	m.Finding(policy.Violation{}, "")
	m.Mutated([]string{"x"})
	m.Companion("x", nil)
	m.PolicyInForce(1, time.Second)
	m.CertificateExpires(time.Now())
	m.BackgroundUnread(1)
}
