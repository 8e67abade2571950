package e2e

import (
	"fmt"
	"testing"
	"time"
)

// Every namespace gets a Velero Schedule in Velero's namespace, accepted by
// Velero's real CRD and owned by the Namespace; a StatefulSet names its
// data volumes for backup; backups turned off prune the Schedules.
func TestNamespacesAreBackedUp(t *testing.T) {
	namespace(t, "velero", nil)
	namespace(t, "backups", map[string]string{"pave.dev/team": "backups"})
	setBackups := func(enabled bool) {
		t.Helper()
		usePolicy(t, fmt.Sprintf("{storage: {encryptedClasses: [e2e-vault]}, backups: {enabled: %v, schedule: \"0 3 * * *\", ttl: 240h}}", enabled))
	}
	setBackups(true)
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "velero", "schedule", "pave-backups"},
		"{.spec.schedule}/{.spec.template.includedNamespaces}/{.spec.template.ttl}/{.metadata.ownerReferences[0].kind}", `0 3 * * */["backups"]/240h0m0s/Namespace`))

	if _, err := s.kubectl("apply", "-n", "backups", "-f", "testdata/statefulset.yaml"); err != nil {
		t.Fatal(err)
	}
	got := getJSON(t, "-n", "backups", "statefulset", "db")
	if a := at(got, "spec", "template", "metadata", "annotations", "backup.velero.io/backup-volumes"); a != "data" {
		t.Fatalf("backup-volumes %v, want data", a)
	}

	setBackups(false)
	eventually(t, 30*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "velero", "schedule", "pave-backups", "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("the Schedule stayed with backups off")
		}
		return nil
	})
}
