package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Every namespace gets a Velero Schedule in Velero's namespace, accepted by
// Velero's real CRD and owned by the Namespace, which copies the volumes the
// pods name whatever the server's default; a StatefulSet names its
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
		"{.spec.schedule}/{.spec.template.includedNamespaces}/{.spec.template.ttl}/{.metadata.ownerReferences[0].kind}/{.spec.template.defaultVolumesToFsBackup}",
		`0 3 * * */["backups"]/240h0m0s/Namespace/false`))

	if _, err := s.kubectl("apply", "-n", "backups", "-f", "testdata/statefulset.yaml"); err != nil {
		t.Fatal(err)
	}
	got := getJSON(t, "-n", "backups", "statefulset", "db")
	if a := at(got, "spec", "template", "metadata", "annotations", "backup.velero.io/backup-volumes"); a != "data" {
		t.Fatalf("backup-volumes %v, want data", a)
	}
	// Velero's own ways out, where the policy allows none: a list of
	// volumes that leaves the data out is completed, and Velero's exclusion
	// label is reported (Velero would leave the pods and their data out).
	veleroOut := strings.Replace(readFile(t, "testdata/statefulset.yaml"), "metadata: {labels: {app: db}}",
		`metadata: {labels: {app: db, velero.io/exclude-from-backup: "true"}, annotations: {backup.velero.io/backup-volumes: cache}}`, 1)
	veleroOut = strings.Replace(veleroOut, "metadata: {name: db}", "metadata: {name: db-out}", 1)
	out, err := combinedKubectl("create", "--dry-run=server", "-n", "backups", "-o", "jsonpath={.spec.template.metadata.annotations}", "-f", writeTemp(t, veleroOut))
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "Warning: pave [backup-covered] spec.template.metadata.labels[velero.io/exclude-from-backup]", `"backup.velero.io/backup-volumes":"cache,data"`)

	setBackups(false)
	eventually(t, 30*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "velero", "schedule", "pave-backups", "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("the Schedule stayed with backups off")
		}
		return nil
	})
}
