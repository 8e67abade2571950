package e2e

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// pave writes nothing for a workload in a namespace its webhooks do not
// look at. pave's own admission server declares its port: a zone's
// NetworkPolicy on it would keep the API server from calling the webhook,
// and every governed namespace would fail closed. One an earlier pave
// wrote there is deleted.
func TestNothingIsWrittenWhereTheWebhooksDoNotLook(t *testing.T) {
	namespace(t, "pave-system", nil)
	admission := `apiVersion: apps/v1
kind: Deployment
metadata: {name: pave-admission, namespace: pave-system}
spec:
  replicas: 0
  selector: {matchLabels: {app: pave-admission}}
  template:
    metadata: {labels: {app: pave-admission}}
    spec:
      containers: [{name: webhook, image: registry.example.com/pave/pave:1.0, ports: [{name: webhook, containerPort: 9443}]}]
`
	if _, err := s.kubectlIn(admission, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "-n", "pave-system", "deployment", "pave-admission", "--ignore-not-found")
	})
	uid, err := s.kubectl("get", "-n", "pave-system", "deployment", "pave-admission", "-o", "jsonpath={.metadata.uid}")
	if err != nil {
		t.Fatal(err)
	}
	// As an earlier pave wrote it: its label, controlled by the Deployment.
	stale := fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: pave-zone-pave-admission
  namespace: pave-system
  labels: {app.kubernetes.io/managed-by: pave}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: pave-admission, uid: %s, controller: true}]
spec:
  podSelector: {matchLabels: {app: pave-admission}}
  policyTypes: [Ingress]
`, uid)
	if _, err := s.kubectlIn(stale, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	// Its deletion is the reconcile's last step: what it would have applied
	// is there by then.
	eventually(t, 30*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "pave-system", "networkpolicy", "pave-zone-pave-admission", "--ignore-not-found", "-o", "name"); out != "" {
			return errors.New("the NetworkPolicy an earlier pave wrote on its own admission server is still there")
		}
		return nil
	})
	absent(t, "pave-system", "configmap", "pave-pave-admission-dashboard")
	absent(t, "pave-system", "podmonitor", "pave-pave-admission")
}
