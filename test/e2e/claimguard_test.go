package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A claim that names a PersistentVolume binds to it if it is Available: a
// team member must not take a volume the platform made for another team.
// Nor may a claim that names none, which the PV controller binds to any
// Available volume of its class that fits it: until the platform reserves
// the volume for it (spec.claimRef), the binding is refused and the claim
// waits. A volume labelled shared goes to any claim. The PV controller binds
// claims by setting spec.volumeName, so a bound claim stays the team's to
// edit; a StatefulSet's template is judged by pave, since the controller
// that writes its claims is trusted.
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

	// The control plane binding the unreserved volume to a team's claim is
	// refused: tried as the PV controller would (an update that sets the
	// whole claimRef, the claim's uid with it), in a server-side dry run.
	const bind = `{"spec":{"claimRef":{"kind":"PersistentVolumeClaim","namespace":"team-vol","name":"mine"}}}`
	eventually(t, 30*time.Second, func() error {
		pv := getJSON(t, "pv", "e2e-orders-data")
		pv["spec"].(map[string]any)["claimRef"] = map[string]any{"kind": "PersistentVolumeClaim", "namespace": "team-vol", "name": "mine", "uid": "0b6f2c1e-e2e0-4c1a-9d7e-000000000001"}
		bound, err := json.Marshal(pv)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.kubectlIn(string(bound), "replace", "--dry-run=server", "-f", "-",
			"--as=system:serviceaccount:kube-system:persistent-volume-binder", "--as-group=system:serviceaccounts:kube-system")
		if err == nil {
			return errors.New("the control plane bound a volume reserved for no claim to a team's claim")
		}
		if !strings.Contains(err.Error(), "ValidatingAdmissionPolicy 'pave-reserved-volumes'") ||
			!strings.Contains(err.Error(), "PersistentVolume e2e-orders-data is reserved for no claim, so it is not bound to PersistentVolumeClaim team-vol/mine") {
			return err
		}
		return nil
	})
	refusals := reserveRefusals(t)

	// A claim without a volume fits the unreserved one: pave warns the team
	// member that it will wait, the PV controller tries to bind it, is
	// refused, and the claim waits.
	mine := writeTemp(t, claim("mine", ""))
	eventually(t, 30*time.Second, func() error { // the admission cache has the volume
		out, err := combinedKubectl("--as", dev, "create", "--dry-run=server", "-n", "team-vol", "-f", mine)
		if err != nil {
			return err
		}
		if !strings.Contains(out, "Warning: pave [claim-unreserved-volume] spec.resources.requests.storage") ||
			!strings.Contains(out, `PersistentVolumeClaim "mine" would be bound to PersistentVolume e2e-orders-data (class e2e-claims, 1Gi), which is Available and reserved for no claim`) {
			return fmt.Errorf("no warning of the wait: %s", out)
		}
		return nil
	})
	if _, err := asDev("", "create", "-n", "team-vol", "-f", mine); err != nil {
		t.Fatalf("a claim naming no volume: %v", err)
	}
	eventually(t, 60*time.Second, func() error {
		if n := reserveRefusals(t); n <= refusals {
			return fmt.Errorf("the guard refused %v bindings, as many as before the claim", n)
		}
		return nil
	})
	pvc := getJSON(t, "-n", "team-vol", "pvc", "mine")
	if phase, volume := at(pvc, "status", "phase"), at(pvc, "spec", "volumeName"); phase != "Pending" || volume != nil {
		t.Fatalf("claim %v on volume %v: a team's claim took a volume reserved for no claim", phase, volume)
	}
	if ref := at(getJSON(t, "pv", "e2e-orders-data"), "spec", "claimRef"); ref != nil {
		t.Fatalf("the unreserved volume was bound to %v", ref)
	}

	// pave preflight names the volume, with the commands that reserve or
	// share it.
	out, _ := s.run(s.paveBin, "", "preflight")
	mustContain(t, out, "storage-unreserved-volume", "PersistentVolume e2e-orders-data", "kubectl patch pv e2e-orders-data")

	// The platform team reserves it for the claim (its namespace and name):
	// the PV controller binds it.
	if _, err := s.kubectl("patch", "pv", "e2e-orders-data", "--type=merge", "-p", bind); err != nil {
		t.Fatalf("reserving the volume: %v", err)
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

	// A volume labelled shared goes to any claim that fits it.
	const pool = `apiVersion: v1
kind: PersistentVolume
metadata: {name: e2e-pool-1, labels: {pave.dev/shared-volume: "true"}}
spec:
  storageClassName: e2e-claims
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /var/lib/e2e-pool-1}
`
	if _, err := s.kubectlIn(pool, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "pv", "e2e-pool-1", "--wait=false") })
	out, err = combinedKubectl("--as", dev, "create", "-n", "team-vol", "-f", writeTemp(t, strings.Replace(claim("pooled", ""), "storage: 1Gi", "storage: 2Gi", 1)))
	if err != nil {
		t.Fatalf("a claim the shared volume fits: %v: %s", err, out)
	}
	if strings.Contains(out, "claim-unreserved-volume") {
		t.Errorf("a claim that a shared volume fits was warned of a wait: %s", out)
	}
	eventually(t, 60*time.Second, func() error {
		pvc := getJSON(t, "-n", "team-vol", "pvc", "pooled")
		if phase, volume := at(pvc, "status", "phase"), at(pvc, "spec", "volumeName"); phase != "Bound" || volume != "e2e-pool-1" {
			return fmt.Errorf("claim %v on volume %v, want Bound on e2e-pool-1", phase, volume)
		}
		return nil
	})

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

// reserveRefusals is how many bindings the API server has refused under
// pave-reserved-volumes: its ValidatingAdmissionPolicy metrics, the signal
// that the PV controller tried one.
func reserveRefusals(t *testing.T) int {
	t.Helper()
	return apiServerCount(t, "apiserver_validating_admission_policy_check_total", func(labels string) bool {
		return strings.Contains(labels, `enforcement_action="deny"`) && strings.Contains(labels, `policy="pave-reserved-volumes"`)
	})
}

// apiServerCount sums the API server's counter named metric over the
// series whose labels (the text between the braces) match says yes to.
func apiServerCount(t *testing.T, metric string, match func(labels string) bool) int {
	t.Helper()
	out, err := s.kubectl("get", "--raw", "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(out) {
		labels, ok := strings.CutPrefix(line, metric+"{")
		if !ok || !match(labels) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		n += int(v)
	}
	return n
}
