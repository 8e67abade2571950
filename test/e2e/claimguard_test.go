package e2e

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// A claim that names a PersistentVolume binds to it if it is Available: a
// team member must not take a volume the platform made for another team.
// The PV controller binds claims by setting that same field, so a claim the
// team member leaves to it still binds; a StatefulSet's template is judged
// by pave, since the controller that writes its claims is trusted.
func TestTeamMemberCannotTakeAVolume(t *testing.T) {
	teamNamespace(t, "team-vol")
	const volumes = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: e2e-claims}
provisioner: ebs.csi.aws.com
parameters: {type: gp3, encrypted: "true"}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: e2e-orders-data}
spec:
  storageClassName: e2e-claims
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /var/lib/e2e-orders}
`
	if _, err := s.kubectlIn(volumes, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "-n", "team-vol", "pvc", "--all", "--wait=false")
		_, _ = s.kubectl("delete", "pv", "e2e-orders-data", "--wait=false")
		_, _ = s.kubectl("delete", "storageclass", "e2e-claims", "--ignore-not-found")
	})
	claim := func(name, volume string) string {
		v := ""
		if volume != "" {
			v = "volumeName: " + volume + ", "
		}
		return fmt.Sprintf("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: %s}\nspec: {%sstorageClassName: e2e-claims, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n", name, v)
	}

	eventually(t, 30*time.Second, func() error { // pave writes the guard; the API server then loads it
		_, err := asDev(claim("taken", "e2e-orders-data"), "create", "-n", "team-vol", "-f", "-")
		if err == nil {
			_, _ = s.kubectl("delete", "-n", "team-vol", "pvc", "taken")
			return errors.New("a team member's claim named a volume and was admitted")
		}
		if !strings.Contains(err.Error(), "PersistentVolumeClaim taken names PersistentVolume e2e-orders-data (spec.volumeName): a volume chosen by name may be one provisioned for another namespace") {
			return err
		}
		return nil
	})
	absent(t, "team-vol", "pvc", "taken")

	// A claim without a volume: the PV controller binds it by setting the field.
	if _, err := asDev(claim("mine", ""), "create", "-n", "team-vol", "-f", "-"); err != nil {
		t.Fatalf("a claim naming no volume: %v", err)
	}
	eventually(t, 60*time.Second, func() error {
		pvc := getJSON(t, "-n", "team-vol", "pvc", "mine")
		if phase, volume := at(pvc, "status", "phase"), at(pvc, "spec", "volumeName"); phase != "Bound" || volume != "e2e-orders-data" {
			return fmt.Errorf("claim %v on volume %v, want Bound on e2e-orders-data", phase, volume)
		}
		return nil
	})
	// The bound claim stays the team's to edit.
	if _, err := asDev("", "label", "-n", "team-vol", "pvc", "mine", "owner=orders"); err != nil {
		t.Errorf("labelling a bound claim: %v", err)
	}
	// A pending claim may be given a volume by the API server's rules (the PV
	// controller's way): not by a team member.
	if _, err := asDev(strings.Replace(claim("waiting", ""), "storage: 1Gi", "storage: 5Gi", 1), "create", "-n", "team-vol", "-f", "-"); err != nil {
		t.Fatalf("a claim no volume fits: %v", err)
	}
	_, err := asDev("", "patch", "-n", "team-vol", "pvc", "waiting", "--type=merge", "-p", `{"spec":{"volumeName":"e2e-orders-data"}}`)
	if err == nil {
		t.Fatal("a team member bound a pending claim to a volume of their choosing")
	}
	mustContain(t, err.Error(), "ValidatingAdmissionPolicy 'pave-claimed-volumes'", "PersistentVolumeClaim waiting names PersistentVolume e2e-orders-data")

	// A StatefulSet's template names the volume: denied by pave, with the field.
	sts, err := os.ReadFile("testdata/statefulset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	stolen := strings.Replace(string(sts), "spec: {accessModes:", "spec: {volumeName: e2e-orders-data, storageClassName: e2e-claims, accessModes:", 1)
	_, err = asDev(stolen, "apply", "-n", "team-vol", "-f", "-")
	denied(t, "a StatefulSet whose claim template names a volume", err, "[claim-volume-name] spec.volumeClaimTemplates[0].spec.volumeName")
	absent(t, "team-vol", "statefulset", "db")
}
