package monitoring_test

import (
	"context"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestScrape(t *testing.T) {
	for _, c := range []struct {
		name, ports, annotations string
		port, path               string // "" for no PodMonitor
	}{
		{"a port named metrics", `[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]`, `{}`, "metrics", "/metrics"},
		{"http-metrics, with another path", `[{name: http-metrics, containerPort: 9100}]`, `{prometheus.io/path: /stats}`, "http-metrics", "/stats"},
		{"no metrics port", `[{name: http, containerPort: 8080}]`, `{}`, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {annotations: `+c.annotations+`}
    spec: {containers: [{name: api, image: x:1, ports: `+c.ports+`}]}`)
			objs, err := monitoring.Scrape{}.Generate(context.Background(), w, workloadtest.Env())
			if err != nil {
				t.Fatal(err)
			}
			if c.port == "" {
				if len(objs) != 0 {
					t.Fatalf("%d objects for a workload without a metrics port", len(objs))
				}
				return
			}
			pm := objs[0].(*monitoringv1.PodMonitor)
			ep := pm.Spec.PodMetricsEndpoints[0]
			if pm.Name != "pave-api" || *ep.Port != c.port || ep.Path != c.path || pm.Spec.Selector.MatchLabels["app"] != "api" {
				t.Errorf("PodMonitor %s: port %s path %s selector %v", pm.Name, *ep.Port, ep.Path, pm.Spec.Selector)
			}
		})
	}
}
