package policy_test

import (
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// Every default SLI query reads only series scraped from the workload's
// own namespace (namespace="<ns>", the label Prometheus gives a target):
// Istio's metrics name the destination in labels the scraped pod writes
// itself (destination_workload_namespace), so without it another team's
// pod that exposes such series would fire, or silence, this workload's SLO
// alerts.
func TestDefaultSLIQueriesReadOnlyTheWorkloadsNamespace(t *testing.T) {
	slo := policy.Default().Spec.Monitoring.SLO
	vars := policy.QueryVars{Namespace: "shop", Name: "web", Workload: "web", Window: "5m"}.LatencyVars(300 * time.Millisecond)
	for set, q := range map[string]v1alpha1.SLIQueries{"meshed": slo.Meshed, "plain": slo.Plain} {
		for field, tmpl := range map[string]string{"total": q.Total, "errors": q.Errors, "fast": q.Fast, "timed": q.Timed, "duration": q.Duration} {
			query, err := policy.RenderQuery(set+"."+field, tmpl, vars)
			if err != nil {
				t.Fatal(err)
			}
			expr, err := parser.NewParser(parser.Options{}).ParseExpr(query)
			if err != nil {
				t.Fatal(err)
			}
			selectors := 0
			parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
				vs, ok := node.(*parser.VectorSelector)
				if !ok {
					return nil
				}
				selectors++
				for _, m := range vs.LabelMatchers {
					if m.Name == "namespace" && m.Type == labels.MatchEqual && m.Value == "shop" {
						return nil
					}
				}
				t.Errorf("%s.%s reads %s from every namespace's targets", set, field, vs)
				return nil
			})
			if selectors == 0 {
				t.Errorf("%s.%s selects no series: %s", set, field, query)
			}
		}
	}
}
