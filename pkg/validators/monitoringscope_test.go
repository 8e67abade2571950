package validators_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/monitoring/operator"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

// A team's PodMonitor, ServiceMonitor or PrometheusRule in namespace pay
// writes no series as another namespace's, nor pave's SLO series; what
// stays within the team's own namespace is admitted.
func TestMonitoringScope(t *testing.T) {
	for _, c := range []struct {
		name, doc     string
		field, denied string // "" when admitted
		namespace     string // pay when ""
	}{
		{name: "the monitoring stack's own, in its namespace", namespace: "monitoring",
			doc: `{kind: ServiceMonitor, spec: {namespaceSelector: {matchNames: [kube-system]}, endpoints: [{port: http-metrics, honorLabels: true}]}}`},
		{name: "the mesh's own, in its namespace", namespace: "istio-system",
			doc: `{kind: PodMonitor, spec: {namespaceSelector: {any: true}, podMetricsEndpoints: [{port: http-envoy-prom, relabelings: [{action: labelmap, regex: "__meta_kubernetes_pod_label_(.+)"}, {sourceLabels: [__meta_kubernetes_namespace], targetLabel: namespace}]}]}}`},
		{name: "the monitoring stack's kind in a team's namespace",
			doc:   `{kind: ServiceMonitor, spec: {namespaceSelector: {matchNames: [kube-system]}, endpoints: [{port: http-metrics}]}}`,
			field: "spec.namespaceSelector.matchNames[0]", denied: `scrapes namespace "kube-system"`},
		{name: "a PodMonitor of the team's pods",
			doc: `{kind: PodMonitor, spec: {selector: {matchLabels: {app: web}}, podMetricsEndpoints: [{port: metrics, relabelings: [{sourceLabels: [__meta_kubernetes_pod_label_version], targetLabel: version}, {action: labeldrop, regex: namespace}]}]}}`},
		{name: "its own namespace by name",
			doc: `{kind: ServiceMonitor, spec: {namespaceSelector: {matchNames: [pay]}, endpoints: [{port: metrics}]}}`},
		{name: "every namespace",
			doc:   `{kind: PodMonitor, spec: {namespaceSelector: {any: true}, podMetricsEndpoints: [{port: metrics}]}}`,
			field: "spec.namespaceSelector.any", denied: `PodMonitor "m" scrapes the pods of every namespace`},
		{name: "another team's namespace",
			doc:   `{kind: ServiceMonitor, spec: {namespaceSelector: {matchNames: [pay, shop]}, endpoints: [{port: metrics}]}}`,
			field: "spec.namespaceSelector.matchNames[1]", denied: `scrapes namespace "shop"`},
		{name: "the pods' own labels kept",
			doc:   `{kind: ServiceMonitor, spec: {endpoints: [{port: metrics}, {port: push, honorLabels: true}]}}`,
			field: "spec.endpoints[1].honorLabels", denied: "keeps the labels its pods write"},
		{name: "a relabeling into namespace",
			doc:   `{kind: PodMonitor, spec: {podMetricsEndpoints: [{port: metrics, metricRelabelings: [{sourceLabels: [exported_namespace], targetLabel: namespace}]}]}}`,
			field: "spec.podMetricsEndpoints[0].metricRelabelings[0]", denied: "sets the namespace label"},
		{name: "a target label named from values",
			doc:   `{kind: PodMonitor, spec: {podMetricsEndpoints: [{port: metrics, relabelings: [{sourceLabels: [__meta_kubernetes_pod_label_x], regex: "(.*)", targetLabel: "${1}"}]}]}}`,
			field: "spec.podMetricsEndpoints[0].relabelings[0]", denied: "names its target label from the values it matches"},
		{name: "a labelmap of the pods' labels",
			doc:   `{kind: PodMonitor, spec: {podMetricsEndpoints: [{port: metrics, relabelings: [{action: labelmap, regex: "__meta_kubernetes_pod_label_(.+)"}]}]}}`,
			field: "spec.podMetricsEndpoints[0].relabelings[0]", denied: "maps label names"},
		{name: "a labelmap to one fixed name",
			doc: `{kind: PodMonitor, spec: {podMetricsEndpoints: [{port: metrics, relabelings: [{action: LabelMap, regex: "__meta_kubernetes_pod_label_tier", replacement: tier}]}]}}`},
		{name: "a pod label copied as namespace",
			doc:   `{kind: PodMonitor, spec: {podTargetLabels: [team, namespace], podMetricsEndpoints: [{port: metrics}]}}`,
			field: "spec.podTargetLabels[1]", denied: "copies a label of its pods or Service named namespace"},
		{name: "the team's own rules",
			doc: `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "pay:errors:rate5m", expr: "sum(rate(http_requests_total{namespace=\"pay\"}[5m]))", labels: {namespace: pay}}, {alert: Down, expr: "up == 0", labels: {severity: page}}]}]}}`},
		{name: "pave's SLO series recorded",
			doc:   `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "pave_slo:sli_error:ratio_rate5m", expr: "vector(1)"}]}]}}`,
			field: "spec.groups[0].rules[0].record", denied: "a series of pave's SLO rules"},
		{name: "pave's cost series recorded",
			doc:   `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "pave:cost_per_hour:sum", expr: "vector(-5)", labels: {team: payments}}]}]}}`,
			field: "spec.groups[0].rules[0].record", denied: "the cost-by-team dashboard sums by its team label"},
		{name: "a series under pave's prefix",
			doc:   `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "pave:requests:sum", expr: "vector(1)"}]}]}}`,
			field: "spec.groups[0].rules[0].record", denied: "a series only pave's rules record"},
		{name: "a name of the team's own that mentions pave",
			doc: `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "team:pave_cost:sum", expr: "vector(1)"}]}]}}`},
		{name: "labelled as another namespace's",
			doc:   `{kind: PrometheusRule, spec: {groups: [{name: a, rules: []}, {name: g, rules: [{alert: Fake, expr: "vector(1)", labels: {namespace: shop}}]}]}}`,
			field: "spec.groups[1].rules[0].labels.namespace", denied: `as namespace "shop"'s`},
		{name: "the namespace label rewritten",
			doc:   `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "x:y", expr: "label_replace(sum(rate(errors_total[5m])), \"namespace\", \"shop\", \"\", \"\")"}]}]}}`,
			field: "spec.groups[0].rules[0].expr", denied: "rewrites the namespace label with label_replace"},
		{name: "a Probe of the team's own endpoints",
			doc: `{kind: Probe, spec: {prober: {url: blackbox:9115}, targets: {staticConfig: {static: ["https://pay.example.com"], labels: {namespace: pay, env: prod}}, ingress: {namespaceSelector: {matchNames: [pay]}}}}}`},
		{name: "a Probe labelled as another namespace's",
			doc:   `{kind: Probe, spec: {targets: {staticConfig: {static: ["https://shop.example.com"], labels: {namespace: shop}}}}}`,
			field: "spec.targets.staticConfig.labels.namespace", denied: `labels its series as namespace "shop"'s`},
		{name: "a Probe of every namespace's Ingresses",
			doc:   `{kind: Probe, spec: {targets: {ingress: {namespaceSelector: {any: true}}}}}`,
			field: "spec.targets.ingress.namespaceSelector.any", denied: "probes the Ingresses of every namespace"},
		{name: "a Probe relabelled into namespace",
			doc:   `{kind: Probe, spec: {metricRelabelings: [{targetLabel: env}, {targetLabel: namespace, replacement: shop}]}}`,
			field: "spec.metricRelabelings[1]", denied: `Probe "m" sets the namespace label`},
		{name: "a ScrapeConfig",
			doc:   `{kind: ScrapeConfig, spec: {staticConfigs: [{targets: ["web:9090"]}]}}`,
			field: "spec", denied: "raw Prometheus scrape configuration"},
		{name: "another label rewritten",
			doc: `{kind: PrometheusRule, spec: {groups: [{name: g, rules: [{record: "x:y", expr: "label_join(up, \"where\", \"/\", \"namespace\", \"pod\")"}]}]}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte(c.doc), &u.Object); err != nil {
				t.Fatal(err)
			}
			u.SetAPIVersion("monitoring.coreos.com/v1")
			if u.GetKind() == "ScrapeConfig" {
				u.SetAPIVersion("monitoring.coreos.com/v1alpha1")
			}
			u.SetName("m")
			if u.GetKind() == "PrometheusRule" {
				u.SetName("r")
			}
			env := policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: cmp.Or(c.namespace, "pay")}}
			got := validators.MonitoringScope{}.ValidateObject(context.Background(), u, env)
			if c.denied == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "monitoring-scope")
			if v := got[0]; v.Field != c.field || !strings.Contains(v.Message, c.denied) {
				t.Errorf("got %s: %s; want %s: …%s…", v.Field, v.Message, c.field, c.denied)
			}
		})
	}
}

// pave's own cost rule for the namespace, as pave check --render prints
// it, records the same series with the same value and passes; the same
// rule with another team's label, or another expression, is refused.
func TestMonitoringScopePassesPavesOwnCostRule(t *testing.T) {
	env := policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: "pay", Labels: map[string]string{"pave.dev/team": "payments"}}}
	objs, err := operator.Cost{}.GenerateNamespace(context.Background(), env)
	if err != nil || len(objs) != 1 {
		t.Fatalf("%v %v", objs, err)
	}
	own, err := runtime.DefaultUnstructuredConverter.ToUnstructured(objs[0])
	if err != nil {
		t.Fatal(err)
	}
	judge := func(change func(rule map[string]any)) []string {
		u := &unstructured.Unstructured{Object: runtime.DeepCopyJSON(own)}
		groups, _, _ := unstructured.NestedSlice(u.Object, "spec", "groups")
		change(groups[0].(map[string]any)["rules"].([]any)[0].(map[string]any))
		if err := unstructured.SetNestedSlice(u.Object, groups, "spec", "groups"); err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, v := range (validators.MonitoringScope{}).ValidateObject(context.Background(), u, env) {
			fields = append(fields, v.Field)
		}
		return fields
	}
	if got := judge(func(map[string]any) {}); len(got) != 0 {
		t.Errorf("pave's own cost rule was refused at %v", got)
	}
	for name, change := range map[string]func(map[string]any){
		"another team":       func(r map[string]any) { r["labels"].(map[string]any)["team"] = "checkout" },
		"another expression": func(r map[string]any) { r["expr"] = "vector(-100)" },
		"a label more":       func(r map[string]any) { r["labels"].(map[string]any)["owner"] = "x" },
		"an alert beside it": func(r map[string]any) { r["alert"] = "Cheap" },
	} {
		if got := judge(change); !slices.Equal(got, []string{"spec.groups[0].rules[0].record"}) {
			t.Errorf("%s: refused at %v, want the record", name, got)
		}
	}
}
