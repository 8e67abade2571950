package e2e

import (
	"testing"
)

// A team member who may write prometheus-operator's objects (a platform's
// aggregated edit role) cannot make its series pass as another
// namespace's: a PodMonitor that keeps its pods' own labels, or a
// PrometheusRule that records pave's SLO series or its cost, is denied with the rule
// and field; a PodMonitor of the team's own pods is admitted.
func TestTeamMemberCannotWriteSeriesAsAnotherNamespaces(t *testing.T) {
	role := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring-edit-e2e, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
rules:
- {apiGroups: [monitoring.coreos.com], resources: [podmonitors, servicemonitors, prometheusrules], verbs: [create, update, patch, delete, get, list]}
`
	if _, err := s.kubectlIn(role, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "clusterrole", "monitoring-edit-e2e", "--ignore-not-found") })
	teamNamespace(t, "team-metrics")

	spoof := `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: spoof}
spec:
  selector: {matchLabels: {app: fake}}
  podMetricsEndpoints: [{port: metrics, honorLabels: true}]
`
	err := deniedOnceLearnt(t, spoof, "team-metrics", "monitoring-scope", "podmonitor", "spoof")
	denied(t, "a PodMonitor that keeps its pods' own labels", err, "[monitoring-scope] spec.podMetricsEndpoints[0].honorLabels", "remove honorLabels")
	absent(t, "team-metrics", "podmonitor", "spoof")

	slo := `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: fake-slo}
spec:
  groups:
  - name: g
    rules: [{record: "pave_slo:sli_error:ratio_rate5m", expr: "vector(1)", labels: {namespace: shop, service: web, slo: availability}}]
`
	_, err = asDev(slo, "create", "-n", "team-metrics", "-f", "-")
	denied(t, "a PrometheusRule that records pave's SLO series as another namespace's", err,
		"[monitoring-scope] spec.groups[0].rules[0].record", "[monitoring-scope] spec.groups[0].rules[0].labels.namespace")
	absent(t, "team-metrics", "prometheusrule", "fake-slo")

	// The cost-by-team dashboard sums pave's cost series by their team label.
	cost := `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: fake-cost}
spec:
  groups:
  - name: g
    rules: [{record: "pave:cost_per_hour:sum", expr: "vector(-100)", labels: {team: team-metrics}}]
`
	_, err = asDev(cost, "create", "-n", "team-metrics", "-f", "-")
	denied(t, "a PrometheusRule that records pave's cost series", err, "[monitoring-scope] spec.groups[0].rules[0].record", "the cost-by-team dashboard sums by its team label")
	absent(t, "team-metrics", "prometheusrule", "fake-cost")

	own := `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: own}
spec:
  selector: {matchLabels: {app: web}}
  podMetricsEndpoints: [{port: metrics}]
`
	if _, err := asDev(own, "apply", "-n", "team-metrics", "-f", "-"); err != nil {
		t.Fatalf("a PodMonitor of the team's own pods was refused: %v", err)
	}
}
