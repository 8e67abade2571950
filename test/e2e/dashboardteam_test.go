package e2e

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// A team member cannot take another namespace's dashboard: a copy of the
// dashboard pave wrote for team dash-shop's service, labelled for the
// Grafana sidecar in team dash-pay's namespace, is denied on its key (the
// sidecar's file name), its uid and its title. The same copy in
// dash-shop's own namespace, as `pave check --render` output applied, is
// admitted. A dashboard in a Secret, which the sidecar reads too, is
// refused by the API server.
func TestTeamMemberCannotTakeAnotherNamespacesDashboard(t *testing.T) {
	teamNamespace(t, "dash-shop")
	teamNamespace(t, "dash-pay")
	app := `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 0
  selector: {matchLabels: {app.kubernetes.io/name: api}}
  template:
    metadata: {labels: {app.kubernetes.io/name: api}}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:2.0.0
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
`
	if _, err := asDev(app, "apply", "-n", "dash-shop", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	var data map[string]string
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "dash-shop", "configmap", "pave-api-dashboard", "-o", "jsonpath={.data}")
		if err != nil {
			return err
		}
		return json.Unmarshal([]byte(out), &data)
	})
	const key = "pave_dash-shop_api.json"
	if _, ok := data[key]; !ok || len(data) != 1 {
		t.Fatalf("pave's dashboard has the keys %v, want %s", slices.Collect(maps.Keys(data)), key)
	}
	copyIn := func(ns string) string {
		cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "copy", "namespace": ns, "labels": map[string]string{"grafana_dashboard": "1"}},
			"data":     data}
		b, err := json.Marshal(cm)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	_, err := asDev(copyIn("dash-pay"), "create", "-f", "-")
	denied(t, "a copy of another namespace's dashboard", err, "[dashboard-scope] data["+key+"]", "[dashboard-scope] data["+key+"].uid",
		"[dashboard-scope] data["+key+"].title", `for namespace "dash-shop"`)
	absent(t, "dash-pay", "configmap", "copy")

	if _, err := asDev(copyIn("dash-shop"), "create", "-f", "-"); err != nil {
		t.Fatalf("a copy of the team's own dashboard was refused: %v", err)
	}
	// The sidecar reads Secrets too (the Grafana chart's resource: both),
	// whose data pave's webhook never sees: the API server refuses a team's
	// labelled one. The controller writes that policy, so wait for it.
	secret := `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "dash", "labels": {"grafana_dashboard": "1"}}, "stringData": {"web.json": "{}"}}`
	eventually(t, 60*time.Second, func() error {
		_, err := asDev(secret, "create", "-n", "dash-pay", "-f", "-")
		if err == nil {
			_, _ = s.kubectl("delete", "-n", "dash-pay", "secret", "dash")
			return errors.New("a team member's dashboard Secret was admitted")
		}
		if !strings.Contains(err.Error(), "ValidatingAdmissionPolicy 'pave-dashboard-secrets'") || !strings.Contains(err.Error(), "Secret dash carries the label grafana_dashboard") {
			return err
		}
		return nil
	})
	absent(t, "dash-pay", "secret", "dash")

	own := `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "own", "labels": {"grafana_dashboard": "1"}},
"data": {"pay-overview.json": "{\"uid\": \"pay-overview\", \"title\": \"dash-pay / overview\"}"}}`
	if _, err := asDev(own, "create", "-n", "dash-pay", "-f", "-"); err != nil {
		t.Fatalf("the team's own dashboard was refused: %v", err)
	}
}
