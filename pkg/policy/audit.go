package policy

import (
	"fmt"
	"slices"
	"time"

	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// Records reports whether a decision with a finding of this outcome makes
// a decision record under the policy.
func (p *Policy) Records(o Outcome) bool {
	return slices.Contains(p.Spec.Audit.Outcomes, string(o))
}

// AuditInterval is how often the background audit runs besides on policy
// changes; 0 is only on those.
func (p *Policy) AuditInterval() time.Duration {
	if p.Spec.Audit.Interval == nil {
		return 0
	}
	return p.Spec.Audit.Interval.Duration
}

// validateAudit mirrors the CRD's schema for spec.audit.
func validateAudit(a v1alpha1.AuditPolicy) error {
	for i, o := range a.Outcomes {
		switch Outcome(o) {
		case OutcomeDeny, OutcomeWarn, OutcomeWaived, OutcomeRecord:
		default:
			return fmt.Errorf("spec.audit.outcomes[%d]: %q is not an outcome; use deny, warn, waived or record", i, o)
		}
	}
	switch a.Reports {
	case v1alpha1.ReportsOpenReports, v1alpha1.ReportsPolicyReport, v1alpha1.ReportsOff:
	default:
		return fmt.Errorf("spec.audit.reports: %q is not a format; use OpenReports, PolicyReport or off", a.Reports)
	}
	if n := ptr.Deref(a.MaxResults, 0); n < 10 || n > 1000 {
		return fmt.Errorf("spec.audit.maxResults: %d is outside 10–1000", n)
	}
	if a.Interval != nil && a.Interval.Duration < 0 {
		return fmt.Errorf("spec.audit.interval: %s is negative; use 0s to audit on policy changes only", a.Interval.Duration)
	}
	return nil
}
