package e2e

import (
	"fmt"
	"testing"
	"time"
)

// The data-protection promises end to end: a service spec with a volume and
// a secret renders to a StatefulSet; applied, it is stored with its claim
// template on the encrypting class, an ExternalSecret delivers its Secret,
// its namespace has a backup Schedule and its data volume is named for it.
func TestServiceWithDataIsProtected(t *testing.T) {
	namespace(t, "velero", nil)
	namespace(t, "ledger", map[string]string{"pave.dev/team": "ledger"})
	usePolicy(t, "{storage: {encryptedClasses: [e2e-sealed]}, secrets: {store: org-vault}}")
	specFile := writeTemp(t, `services:
  ledger:
    image: registry.example.com/ledger:1.0.0
    port: 8080
    readiness_probe: {path: /ready}
    env:
      - {name: DB_PASSWORD, secret: ledger-db}
    volumes:
      - {name: data, size: 20Gi, path: /var/lib/ledger}
`)
	rendered, err := s.run(s.paveBin, "", "render", "-f", specFile)
	if err != nil {
		t.Fatalf("pave render: %v", err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "ledger", "-f", writeTemp(t, rendered))
		if err != nil || !contains(out, "ExternalSecret ledger/pave-ledger-statefulset-ledger-db") {
			return fmt.Errorf("the policy is not in force: %s %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectlIn(rendered, "apply", "-n", "ledger", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "ledger", "statefulset", "ledger"},
		"{.spec.volumeClaimTemplates[0].spec.storageClassName}/{.spec.template.metadata.annotations.backup\\.velero\\.io/backup-volumes}", "e2e-sealed/data"))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "ledger", "externalsecret", "pave-ledger-statefulset-ledger-db"}, "{.spec.target.name}", "ledger-db"))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "velero", "schedule", "pave-ledger"}, "{.spec.template.includedNamespaces[0]}", "ledger"))
	// The StatefulSet controller makes the pod's claim from the template: on
	// the encrypting class, through pave's admission.
	eventually(t, 60*time.Second, jsonpathIs([]string{"-n", "ledger", "pvc", "data-ledger-0"}, "{.spec.storageClassName}", "e2e-sealed"))
}
