package monitoring

import (
	"fmt"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// NamespaceLabel is the label Prometheus (and prometheus-operator's
// generated configuration) gives every series from the namespace of the
// pod it scrapes: the one label of a series its pod cannot write.
const NamespaceLabel = "namespace"

// OpenSLI is an SLI query of the policy that reads series from every
// namespace's targets.
type OpenSLI struct {
	// Field is the query's place in the policy (spec.monitoring.slo.meshed.total).
	Field string
	// Selectors are its series selectors that match no namespace="<ns>".
	Selectors []string
}

// OpenSLIs are the policy's SLI queries that select series without
// matching namespace="{{.Namespace}}": the label Prometheus sets on a
// target from the namespace of the pod it scrapes. Every other label is
// the scraped pod's own to write (Istio's destination_workload_namespace
// too), so without it another team's pod that exposes such series counts
// toward the workload's SLO, and fires or silences its alerts.
func OpenSLIs(m v1alpha1.MonitoringPolicy) ([]OpenSLI, error) {
	const probe = "pave-probe-namespace"
	vars := policy.QueryVars{Namespace: probe, Name: "web", Workload: "web", Window: "5m"}.LatencyVars(500 * time.Millisecond)
	var out []OpenSLI
	for _, t := range policy.SLITemplates(m) {
		if t.Template == "" {
			continue
		}
		query, err := policy.RenderQuery(t.Field, t.Template, vars)
		if err != nil {
			return nil, err
		}
		open, err := openSelectors(query, probe)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Field, err)
		}
		if len(open) > 0 {
			out = append(out, OpenSLI{Field: t.Field, Selectors: open})
		}
	}
	return out, nil
}

// openSelectors are the series selectors of query without the matcher
// namespace="<namespace>".
func openSelectors(query, namespace string) ([]string, error) {
	expr, err := policy.ParseExpr(query)
	if err != nil {
		return nil, err
	}
	var open []string
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		for _, m := range vs.LabelMatchers {
			if m.Name == NamespaceLabel && m.Type == labels.MatchEqual && m.Value == namespace {
				return nil
			}
		}
		open = append(open, vs.String())
		return nil
	})
	return open, nil
}
