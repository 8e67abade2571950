package monitoring_test

import (
	"encoding/json"
	"os"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/monitoring/operator"
	"github.com/pave-dev/pave/pkg/policy"
)

// pave's own alerts load as Prometheus loads rule files, and read only
// metrics pave or controller-runtime export (docs/metrics.md).
func TestHealthRules(t *testing.T) {
	data, err := os.ReadFile("../../manifests/monitoring/prometheusrule.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var pr monitoringv1.PrometheusRule
	if err := yaml.UnmarshalStrict(data, &pr); err != nil {
		t.Fatal(err)
	}
	groups, _ := yaml.Marshal(map[string]any{"groups": pr.Spec.Groups})
	if _, errs := rulefmt.Parse(groups, false, model.UTF8Validation, parser.NewParser(parser.Options{}), promslog.NewNopLogger()); len(errs) > 0 {
		t.Fatalf("Prometheus rejects pave's health rules: %v", errs)
	}
	var alerts []string
	for _, r := range pr.Spec.Groups[0].Rules {
		alerts = append(alerts, r.Alert)
	}
	if len(alerts) < 5 {
		t.Fatalf("alerts %v: errors, latency, certificate expiry and companions at least", alerts)
	}
}

// The cost dashboard's queries parse and read the series pave records.
func TestCostDashboard(t *testing.T) {
	data, err := os.ReadFile("../../manifests/monitoring/dashboard-cost.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(data, &cm); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct{ Targets []struct{ Expr string } }
	}
	if err := json.Unmarshal([]byte(cm.Data["pave-cost-by-team.json"]), &d); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			n++
			if err := policy.ParsePromQL(tg.Expr); err != nil {
				t.Errorf("%s: %v", tg.Expr, err)
			}
			if !containsSeries(tg.Expr, operator.CostSeries) {
				t.Errorf("%s does not read %s", tg.Expr, operator.CostSeries)
			}
		}
	}
	if n < 3 || cm.Labels["grafana_dashboard"] != "1" {
		t.Fatalf("%d queries, labels %v", n, cm.Labels)
	}
}

func containsSeries(expr, series string) bool {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		return false
	}
	found := false
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok && vs.Name == series {
			found = true
		}
		return nil
	})
	return found
}
