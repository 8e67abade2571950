package preflight

import (
	"fmt"
	"strings"

	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// sliFindings names the policy's SLI queries that read series from every
// namespace's targets (monitoring.OpenSLIs): a policy written before stop
// 54's defaults, or by hand, lets another team's pods decide a workload's
// SLO alerts.
func sliFindings(p *policy.Policy) ([]Finding, error) {
	open, err := monitoring.OpenSLIs(p.Spec.Monitoring)
	if err != nil {
		return nil, fmt.Errorf("read the policy's SLI queries: %w", err)
	}
	var out []Finding
	for _, o := range open {
		out = append(out, Finding{Check: "sli-namespace", Severity: "medium", Subject: "PlatformPolicy " + o.Field,
			Message: fmt.Sprintf("selects %s from every namespace's targets: the other labels are the scraped pod's own to write, so another team's pod that exposes such series counts toward the workload's SLO and fires or silences its alerts",
				strings.Join(o.Selectors, ", ")),
			Fix: `match namespace="{{.Namespace}}" in each selector, the label Prometheus sets from the scraped pod's namespace (pave's default queries do)`})
	}
	return out, nil
}
