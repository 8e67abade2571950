package monitoring_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/monitoring"
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
	queries, labels := costQueries(t)
	for _, q := range queries {
		if err := policy.ParsePromQL(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
		if !containsSeries(q, monitoring.CostSeries) {
			t.Errorf("%s does not read %s", q, monitoring.CostSeries)
		}
	}
	if len(queries) < 3 || labels["grafana_dashboard"] != "1" {
		t.Fatalf("%d queries, labels %v", len(queries), labels)
	}
}

// A team's pod may expose a series named like pave's cost, with another
// team's label or a negative value (rule monitoring-scope keeps a team's
// PrometheusRule from recording one). Prometheus labels whatever it scrapes
// with its job, which pave's recorded series do not carry: every query of
// the dashboard answers the same with such forgeries as without them.
func TestCostDashboardIgnoresScrapedForgeries(t *testing.T) {
	const recorded = `
  pave:cost_per_hour:sum{namespace="shop",team="web",cost_center="cc-7"} 1
  pave:cost_per_hour:sum{namespace="pay",team="payments",cost_center="cc-9"} 2`
	const forged = `
  pave:cost_per_hour:sum{namespace="pay",team="web",cost_center="cc-7",job="podMonitor/pay/forger/0",instance="10.0.0.7:9090"} 1000
  pave:cost_per_hour:sum{namespace="pay",team="payments",cost_center="cc-9",job="podMonitor/pay/forger/0",instance="10.0.0.7:9090"} -2`
	queries, _ := costQueries(t)
	for _, q := range queries {
		want, got := instant(t, recorded, q), instant(t, recorded+forged, q)
		if want == "" || got != want {
			t.Errorf("%s: %q with the forgeries, %q without", q, got, want)
		}
	}
}

// costQueries are the cost dashboard's queries, and its ConfigMap's labels.
func costQueries(t *testing.T) ([]string, map[string]string) {
	t.Helper()
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
	var out []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out = append(out, tg.Expr)
		}
	}
	return out, cm.Labels
}

// instant is q's answer at the first sample of series (promqltest's load
// syntax), one line a sample, sorted.
func instant(t *testing.T, series, q string) string {
	t.Helper()
	suite, err := promqltest.NewLazyLoader("load 1m"+series+"\n", promqltest.LazyLoaderOpts{})
	if err != nil {
		t.Fatal(err)
	}
	defer suite.Close()
	var lines []string
	suite.WithSamplesTill(time.Unix(0, 0), func(err error) {
		if err != nil {
			t.Fatal(err)
		}
		qry, err := suite.QueryEngine().NewInstantQuery(context.Background(), suite.Queryable(), nil, q, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		res := qry.Exec(context.Background())
		vec, err := res.Vector()
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, smp := range vec {
			lines = append(lines, fmt.Sprintf("%s %g", smp.Metric, smp.F))
		}
	})
	slices.Sort(lines)
	return strings.Join(lines, "\n")
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
