package operator_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/monitoring/operator"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

const sloWorkload = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api}
  annotations: {pave.dev/slo-availability: "99.9", pave.dev/slo-latency: 500ms, pave.dev/slo-window: 30d}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: x:1}]}}`

// sloRule generates the workload's PrometheusRule under the policy.
func sloRule(t *testing.T, doc string, p *policy.Policy) *monitoringv1.PrometheusRule {
	t.Helper()
	env := workloadtest.Env()
	env.Policy = p
	objs, err := operator.SLORules{}.Generate(context.Background(), workloadtest.FromYAML(t, doc), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 {
		t.Fatalf("%d objects, want one PrometheusRule", len(objs))
	}
	return objs[0].(*monitoringv1.PrometheusRule)
}

// ruleFile writes the rule's groups as Prometheus loads them.
func ruleFile(t *testing.T, pr *monitoringv1.PrometheusRule) string {
	t.Helper()
	data, err := yaml.Marshal(map[string]any{"groups": pr.Spec.Groups})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every expression parses with Prometheus' parser, and the whole group
// passes the rule-file validation Prometheus runs when it loads it — for a
// plain and for a meshed workload.
func TestSLORulesAreValidPrometheusRules(t *testing.T) {
	meshed, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Mesh: v1alpha1.MeshPolicy{Mode: v1alpha1.MeshIstio}})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*policy.Policy{"plain": policy.Default(), "meshed": meshed} {
		t.Run(name, func(t *testing.T) {
			pr := sloRule(t, sloWorkload, p)
			if pr.Name != "pave-api-slo" || pr.Namespace != "shop" {
				t.Errorf("named %s/%s", pr.Namespace, pr.Name)
			}
			var records, alerts int
			for _, r := range pr.Spec.Groups[0].Rules {
				if _, err := parser.NewParser(parser.Options{}).ParseExpr(r.Expr.String()); err != nil {
					t.Errorf("%s%s: %v\n%s", r.Record, r.Alert, err, r.Expr.String())
				}
				if r.Record != "" {
					records++
				} else {
					alerts++
				}
			}
			// Two SLIs, each over 7 windows (5m 30m 1h 2h 6h 1d 3d), each
			// with a page and a ticket alert.
			if records != 14 || alerts != 4 {
				t.Errorf("%d recording rules and %d alerts, want 14 and 4", records, alerts)
			}
			data, _ := yaml.Marshal(map[string]any{"groups": pr.Spec.Groups})
			if _, errs := rulefmt.Parse(data, false, model.UTF8Validation, parser.NewParser(parser.Options{}), promslog.NewNopLogger()); len(errs) > 0 {
				t.Fatalf("Prometheus rejects the rule file: %v\n%s", errs, data)
			}
			metric := map[string]string{"plain": "http_requests_total", "meshed": "istio_requests_total"}[name]
			if !strings.Contains(string(data), metric) {
				t.Errorf("the %s rules do not read %s", name, metric)
			}
		})
	}
}

// The rules, run by Prometheus' own rules engine over synthetic series
// (promtool's way of testing rules, in process): a 2% error rate pages, a
// 0.5% one raises a ticket and no page, a 0.05% one stays quiet.
func TestSLOAlertsFireOnBurnRate(t *testing.T) {
	path := ruleFile(t, sloRule(t, sloWorkload, policy.Default()))
	for _, c := range []struct {
		name                     string
		errorsPerMin, slowPerMin int // of 10,000 requests a minute
		page, ticket             bool
		latencyPage              bool
	}{
		{"2% errors", 200, 0, true, true, false},
		{"0.5% errors", 50, 0, false, true, false},
		{"0.05% errors", 5, 0, false, false, false},
		// p99 within 500ms: a 1% budget; 20% slow burns it 20× over.
		{"20% slow", 0, 2000, false, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			firing := evaluate(t, path, c.errorsPerMin, c.slowPerMin, 3*time.Hour)
			if got := firing["PaveSLOAvailabilityBudgetBurn/page"]; got != c.page {
				t.Errorf("page firing=%v, want %v (firing: %v)", got, c.page, firing)
			}
			if got := firing["PaveSLOAvailabilityBudgetBurn/ticket"]; got != c.ticket {
				t.Errorf("ticket firing=%v, want %v (firing: %v)", got, c.ticket, firing)
			}
			if got := firing["PaveSLOLatencyBudgetBurn/page"]; got != c.latencyPage {
				t.Errorf("latency page firing=%v, want %v (firing: %v)", got, c.latencyPage, firing)
			}
		})
	}
}

// evaluate loads the series of a service answering 10,000 requests a
// minute, errorsPerMin of them 5xx and slowPerMin slower than 500ms;
// evaluates the rule
// file every minute for the duration; and returns the alerts firing at the
// end, as name/severity.
func evaluate(t *testing.T, ruleFile string, errorsPerMin, slowPerMin int, d time.Duration) map[string]bool {
	t.Helper()
	steps := int(d / time.Minute)
	sel := `namespace="shop",app_kubernetes_io_name="api"`
	load := fmt.Sprintf(`load 1m
  http_requests_total{%[1]s,code="200"} 0+%[2]dx%[4]d
  http_requests_total{%[1]s,code="500"} 0+%[3]dx%[4]d
  http_request_duration_seconds_bucket{%[1]s,le="0.5"} 0+%[5]dx%[4]d
  http_request_duration_seconds_count{%[1]s} 0+10000x%[4]d
`, sel, 10000-errorsPerMin, errorsPerMin, steps, 10000-slowPerMin)
	suite, err := promqltest.NewLazyLoader(load, promqltest.LazyLoaderOpts{EnableAtModifier: true, EnableNegativeOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	defer suite.Close()
	m := rules.NewManager(&rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(suite.QueryEngine(), suite.Storage()),
		AppendableV2: suite.Storage(),
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       promslog.NewNopLogger(),
	})
	groups, errs := m.LoadGroups(time.Minute, labels.EmptyLabels(), "", nil, false, ruleFile)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	start := time.Unix(0, 0).UTC()
	for ts := start; !ts.After(start.Add(d)); ts = ts.Add(time.Minute) {
		suite.WithSamplesTill(ts, func(err error) {
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range groups {
				g.Eval(suite.Context(), ts)
				for _, r := range g.Rules() {
					if r.LastError() != nil {
						t.Fatalf("rule %s at %s: %v", r.Name(), ts.Sub(start), r.LastError())
					}
				}
			}
		})
	}
	firing := map[string]bool{}
	for _, g := range groups {
		for _, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok {
				continue
			}
			for _, a := range ar.ActiveAlerts() {
				if a.State == rules.StateFiring {
					firing[ar.Name()+"/"+a.Labels.Get("severity")] = true
				}
			}
		}
	}
	return firing
}

// Each namespace's cost is its pods' requests priced by the policy, with
// its team and cost centre: 2 cores and 4 GiB at the default prices.
func TestCostRule(t *testing.T) {
	env := workloadtest.Env()
	env.Namespace = policy.Namespace{Name: "shop", Labels: map[string]string{"pave.dev/team": "web", "pave.dev/cost-center": "cc-7"}}
	objs, err := operator.Cost{}.GenerateNamespace(context.Background(), env)
	if err != nil || len(objs) != 1 {
		t.Fatalf("%v %v", objs, err)
	}
	r := objs[0].(*monitoringv1.PrometheusRule).Spec.Groups[0].Rules[0]
	if r.Labels["team"] != "web" || r.Labels["cost_center"] != "cc-7" || r.Record != monitoring.CostSeries {
		t.Errorf("rule %+v", r)
	}
	path := ruleFile(t, objs[0].(*monitoringv1.PrometheusRule))
	const requests = `
  kube_pod_container_resource_requests{namespace="shop",pod="a",resource="cpu"} 2
  kube_pod_container_resource_requests{namespace="shop",pod="a",resource="memory"} 4294967296`
	want := 2*0.0316 + 4*0.0042
	if got := costOf(t, path, requests); math.Abs(got-want) > 1e-9 {
		t.Fatalf("cost per hour %v, want %v", got, want)
	}
	// A team's own pod may expose a series of that name; its namespace is
	// then the team's, and a negative one took from what it is charged.
	forged := requests + `
  kube_pod_container_resource_requests{namespace="shop",pod="forger",resource="cpu",job="podMonitor/shop/forger/0"} -2`
	if got := costOf(t, path, forged); math.Abs(got-want) > 1e-9 {
		t.Fatalf("cost per hour with a forged negative request %v, want %v", got, want)
	}
}

// costOf is the cost rule's value (the rule file at path) over series, in
// promqltest's load syntax.
func costOf(t *testing.T, path, series string) float64 {
	t.Helper()
	suite, err := promqltest.NewLazyLoader("load 1m"+series+"\n", promqltest.LazyLoaderOpts{})
	if err != nil {
		t.Fatal(err)
	}
	defer suite.Close()
	m := rules.NewManager(&rules.ManagerOptions{QueryFunc: rules.EngineQueryFunc(suite.QueryEngine(), suite.Storage()),
		AppendableV2: suite.Storage(), Context: context.Background(), Logger: promslog.NewNopLogger()})
	groups, errs := m.LoadGroups(time.Minute, labels.EmptyLabels(), "", nil, false, path)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got float64
	suite.WithSamplesTill(time.Unix(60, 0), func(err error) {
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			g.Eval(suite.Context(), time.Unix(60, 0))
		}
		v, err := query(suite, monitoring.CostSeries+`{team="web"}`, time.Unix(60, 0))
		if err != nil {
			t.Fatal(err)
		}
		got = v
	})
	return got
}

func query(suite *promqltest.LazyLoader, q string, ts time.Time) (float64, error) {
	qry, err := suite.QueryEngine().NewInstantQuery(context.Background(), suite.Queryable(), nil, q, ts)
	if err != nil {
		return 0, err
	}
	res := qry.Exec(context.Background())
	if res.Err != nil {
		return 0, res.Err
	}
	vec, err := res.Vector()
	if err != nil || len(vec) != 1 {
		return 0, fmt.Errorf("%s: %v (%v)", q, vec, err)
	}
	return vec[0].F, nil
}

// A workload admitted before its objective was refused in part (here a
// latency no bucket of the histogram counts, a check pave learned later)
// keeps the alerts of what still holds; with its window refused, none.
func TestSLORulesKeepWhatStillHolds(t *testing.T) {
	objectives := func(doc string) []string {
		env := workloadtest.Env()
		objs, err := operator.SLORules{}.Generate(context.Background(), workloadtest.FromYAML(t, doc), env)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, o := range objs {
			for _, g := range o.(*monitoringv1.PrometheusRule).Spec.Groups {
				for _, r := range g.Rules {
					seen[r.Labels["slo"]] = true
				}
			}
		}
		var out []string
		for _, s := range []string{"availability", "latency"} {
			if seen[s] {
				out = append(out, s)
			}
		}
		return out
	}
	for _, c := range []struct {
		name, from, to string
		want           string
	}{
		{"both hold", "", "", "availability latency"},
		{"a latency no bucket counts", "pave.dev/slo-latency: 500ms", "pave.dev/slo-latency: 300ms", "availability"},
		{"an availability out of range", `pave.dev/slo-availability: "99.9"`, `pave.dev/slo-availability: "99.999"`, "latency"},
		{"a window the policy does not offer", "pave.dev/slo-window: 30d", "pave.dev/slo-window: 90d", ""},
	} {
		if got := strings.Join(objectives(strings.Replace(sloWorkload, c.from, c.to, 1)), " "); got != c.want {
			t.Errorf("%s: objectives %q, want %q", c.name, got, c.want)
		}
	}
}
