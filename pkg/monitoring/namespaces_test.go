package monitoring_test

import (
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// The default SLI queries read only series scraped from the workload's own
// namespace; a query that selects by the labels a pod writes itself is
// named, with the selector that lacks the matcher.
func TestOpenSLIs(t *testing.T) {
	open, err := monitoring.OpenSLIs(policy.Default().Spec.Monitoring)
	if err != nil || len(open) != 0 {
		t.Fatalf("the default queries: %v, %v", open, err)
	}
	m := policy.Default().Spec.Monitoring
	m.SLO.Meshed = v1alpha1.SLIQueries{
		Total:  `sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{.Namespace}}",destination_workload="{{.Workload}}"}[{{.Window}}]))`,
		Errors: `sum(rate(istio_requests_total{namespace="{{.Namespace}}",response_code=~"5.."}[{{.Window}}])) / sum(rate(istio_requests_total[{{.Window}}]))`,
	}
	open, err = monitoring.OpenSLIs(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 2 || open[0].Field != "spec.monitoring.slo.meshed.total" || open[1].Field != "spec.monitoring.slo.meshed.errors" {
		t.Fatalf("open %+v", open)
	}
	if !slices.Equal(open[1].Selectors, []string{"istio_requests_total"}) {
		t.Errorf("the errors query's open selector: %q", open[1].Selectors)
	}
}
