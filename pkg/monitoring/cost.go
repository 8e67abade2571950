package monitoring

import (
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// CostRule is the one rule of a namespace's PrometheusRule pave-cost: it
// records CostSeries as the requests of all the namespace's pods, priced by
// the policy's unit prices, labelled with the namespace, its team and its
// cost centre. The operator's Cost generator writes it; rule
// monitoring-scope lets a team's PrometheusRule record CostSeries only as
// this exact copy (what pave check --render prints), which changes no sum.
func CostRule(env policy.Env) (expr string, labels map[string]string) {
	ns, l := env.Namespace.Name, env.Namespace.Labels
	cc := l[v1alpha1.LabelCostCenter]
	if cc == "" {
		cc = env.Policy.Spec.Labels.DefaultCostCenter
	}
	requests := func(resource string) string { return Requests(fmt.Sprintf("namespace=%q", ns), resource) }
	labels = map[string]string{NamespaceLabel: ns}
	for k, v := range map[string]string{"team": v1alpha1.TeamOf(l), "cost_center": cc} {
		if v != "" {
			labels[k] = v
		}
	}
	return CostExpr(requests("cpu"), requests("memory"), env.Policy.Spec.Monitoring.Cost), labels
}
