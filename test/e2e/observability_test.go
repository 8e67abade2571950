package e2e

import (
	"testing"
	"time"
)

// A workload that names a metrics port is scraped: a PodMonitor the real
// prometheus-operator CRD accepts, on that port, carrying the team, zone
// and cost centre onto every series.
func TestWorkloadsAreScraped(t *testing.T) {
	namespace(t, "scraped", map[string]string{"pave.dev/team": "scraped"})
	app := `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: api}}
  template:
    metadata: {labels: {app.kubernetes.io/name: api}}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:2.0.0
        ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
`
	if _, err := s.kubectlIn(app, "apply", "-n", "scraped", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "scraped", "podmonitor", "pave-api"},
		"{.spec.podMetricsEndpoints[0].port}{.spec.podMetricsEndpoints[0].path} {.spec.podTargetLabels[2]} {.metadata.ownerReferences[0].kind}", "metrics/metrics pave.dev/team Deployment"))
}
