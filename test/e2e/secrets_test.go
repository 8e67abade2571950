package e2e

import (
	"fmt"
	"testing"
	"time"
)

// With a store in the policy, every Secret a workload reads is delivered by
// an ExternalSecret the real CRD schema accepts, owned by the workload, so
// the garbage collector removes it with the workload.
func TestSecretsAreDeliveredFromTheStore(t *testing.T) {
	namespace(t, "secrets", map[string]string{"pave.dev/team": "secrets"})
	usePolicy(t, "{secrets: {store: org-vault, refreshInterval: 15m}}")
	app := `apiVersion: apps/v1
kind: Deployment
metadata: {name: billing}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: billing}}
  template:
    metadata: {labels: {app.kubernetes.io/name: billing}}
    spec:
      containers:
      - name: billing
        image: registry.example.com/billing:3.2.1
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        env:
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db-credentials, key: password}}
`
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "secrets", "-f", writeTemp(t, app))
		if err != nil || !contains(out, "ExternalSecret secrets/pave-billing-db-credentials") {
			return fmt.Errorf("the store is not in force: %s %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectlIn(app, "apply", "-n", "secrets", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "secrets", "externalsecret", "pave-billing-db-credentials"},
		"{.spec.secretStoreRef.name}/{.spec.refreshInterval}/{.spec.dataFrom[0].extract.key}/{.metadata.ownerReferences[0].kind}", "org-vault/15m0s/secrets/db-credentials/Deployment"))
	if _, err := s.kubectl("delete", "-n", "secrets", "deployment", "billing"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "secrets", "externalsecret", "pave-billing-db-credentials", "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("the ExternalSecret outlived its workload")
		}
		return nil
	})
}
