package monitoring_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

const service = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {app.kubernetes.io/name: api}}
spec:
  selector: {matchLabels: {app: api}}
  template: {spec: {containers: [{name: api, image: x:1, ports: [{name: http, containerPort: 8080}]}]}}`

// dashboard generates the service's dashboard ConfigMap under the policy.
func dashboard(t *testing.T, doc string, p *policy.Policy) (*corev1.ConfigMap, error) {
	t.Helper()
	env := workloadtest.Env()
	env.Policy = p
	objs, err := monitoring.Dashboard{}.Generate(context.Background(), workloadtest.FromYAML(t, doc), env)
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	return objs[0].(*corev1.ConfigMap), nil
}

// The dashboard is Grafana JSON in a ConfigMap the Grafana sidecar finds,
// with the RED panels and CPU, memory and cost, and every query in it is
// PromQL that Prometheus parses.
func TestDashboard(t *testing.T) {
	cm, err := dashboard(t, service, policy.Default())
	if err != nil || cm == nil {
		t.Fatalf("no dashboard: %v", err)
	}
	if cm.Name != "pave-api-dashboard" || cm.Labels["grafana_dashboard"] != "1" {
		t.Errorf("ConfigMap %s labels %v", cm.Name, cm.Labels)
	}
	var d struct {
		UID    string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal([]byte(cm.Data[monitoring.DashboardKey("shop", "api")]), &d); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var titles []string
	for _, p := range d.Panels {
		titles = append(titles, p.Title)
		for _, tg := range p.Targets {
			if err := policy.ParsePromQL(tg.Expr); err != nil {
				t.Errorf("panel %q: %v\n%s", p.Title, err, tg.Expr)
			}
		}
	}
	for _, want := range []string{"Requests per second", "Errors", "Duration (p99)", "CPU against requests", "Memory against requests", "Cost per hour (USD"} {
		if !strings.Contains(strings.Join(titles, "|"), want) {
			t.Errorf("no panel %q in %v", want, titles)
		}
	}
	if len(d.UID) > 40 || !strings.HasPrefix(d.UID, "pave-") {
		t.Errorf("uid %q: Grafana takes at most 40 characters", d.UID)
	}
}

// A worker without ports has no requests to chart; dashboards can be turned
// off; the policy's template replaces the built-in one, and a template that
// does not yield JSON is an error, not a broken dashboard.
func TestDashboardPolicy(t *testing.T) {
	worker := strings.Replace(service, ", ports: [{name: http, containerPort: 8080}]", "", 1)
	if cm, err := dashboard(t, worker, policy.Default()); err != nil || cm != nil {
		t.Errorf("a worker without ports got a dashboard (%v)", err)
	}
	off := false
	p, _ := policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{Dashboards: v1alpha1.DashboardPolicy{Enabled: &off}}})
	if cm, err := dashboard(t, service, p); err != nil || cm != nil {
		t.Errorf("dashboards off, still got one (%v)", err)
	}
	p, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{Dashboards: v1alpha1.DashboardPolicy{
		Template: `{"title": {{json .Title}}, "rate": {{json .Queries.Rate}}}`, Labels: map[string]string{"team-dashboards": "yes"}}}})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := dashboard(t, service, p)
	if err != nil || cm == nil || !strings.Contains(cm.Data[monitoring.DashboardKey("shop", "api")], `"title": "shop / api"`) || cm.Labels["team-dashboards"] != "yes" {
		t.Fatalf("the policy's template was not used: %v %v", cm, err)
	}
	p, _ = policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{Dashboards: v1alpha1.DashboardPolicy{Template: `{"title": {{.Title}}}`}}})
	if _, err := dashboard(t, service, p); err == nil || !strings.Contains(err.Error(), "spec.monitoring.dashboards.template") {
		t.Fatalf("err = %v, want one naming spec.monitoring.dashboards.template", err)
	}
}

// Asked for names only (pave check without --render), the dashboard is the
// same ConfigMap without its JSON: what is listed is what would be applied.
func TestDashboardNamesOnly(t *testing.T) {
	full, err := dashboard(t, service, policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	env := workloadtest.Env()
	env.NamesOnly = true
	objs, err := monitoring.Dashboard{}.Generate(context.Background(), workloadtest.FromYAML(t, service), env)
	if err != nil || len(objs) != 1 {
		t.Fatalf("%d objects: %v", len(objs), err)
	}
	named := objs[0].(*corev1.ConfigMap)
	if named.Data != nil || !reflect.DeepEqual(named.ObjectMeta, full.ObjectMeta) {
		t.Errorf("names only: %+v, data %d keys; full: %+v", named.ObjectMeta, len(named.Data), full.ObjectMeta)
	}
}
