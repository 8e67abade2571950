package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Volumes are encrypted: the API server's DefaultStorageClass plugin names
// the cluster's default class before pave sees a claim, so a default that
// does not encrypt is refused loudly, naming the class that does; without a
// default pave gives claims (standalone and a StatefulSet's templates) the
// encrypting class; a claim on the encrypting class is stored.
func TestClaimsAreEncrypted(t *testing.T) {
	teamNamespace(t, "storage")
	classes := `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: e2e-plain
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: e2e-sealed}
provisioner: ebs.csi.aws.com
parameters: {type: gp3, encrypted: "true"}
`
	if _, err := s.kubectlIn(classes, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "storageclass", "e2e-plain", "e2e-sealed", "--ignore-not-found") })
	claim := func(name, class string) string {
		c := ""
		if class != "" {
			c = "storageClassName: " + class + ", "
		}
		return fmt.Sprintf("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: %s}\nspec: {%saccessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n", name, c)
	}

	// pave preflight sees it coming: the default class does not encrypt.
	out, err := s.run(s.paveBin, "", "preflight")
	if err == nil || !strings.Contains(out, "storage-default-class") || !strings.Contains(out, "StorageClass e2e-plain") || !strings.Contains(out, "e2e-sealed storageclass.kubernetes.io/is-default-class=true") {
		t.Fatalf("pave preflight: %s (%v), want the unencrypted default class and exit 1", out, err)
	}

	// The cluster's default does not encrypt: refused, with the fix.
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "-n", "storage", "-f", writeTemp(t, claim("defaulted", "")))
		if err == nil || !strings.Contains(out, "[encrypted-volumes] spec.storageClassName") || !strings.Contains(out, "cluster's default class") || !strings.Contains(out, "e2e-sealed") {
			return fmt.Errorf("a claim on the unencrypted default: %s %v", out, err)
		}
		return nil
	})
	absent(t, "storage", "pvc", "defaulted")
	if _, err := s.kubectlIn(claim("sealed", "e2e-sealed"), "apply", "-n", "storage", "-f", "-"); err != nil {
		t.Fatalf("a claim on the encrypting class: %v", err)
	}

	// No default class: pave gives the encrypting one.
	if _, err := s.kubectl("annotate", "storageclass", "e2e-plain", "storageclass.kubernetes.io/is-default-class-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if _, err := s.kubectlIn(claim("given", ""), "apply", "-n", "storage", "-f", "-"); err != nil {
			return err
		}
		return nil
	})
	if out, _ := s.run(s.paveBin, "", "preflight", "-o", "json"); !strings.Contains(out, `"findings"`) || strings.Contains(out, `"check": "storage-`) {
		t.Errorf("pave preflight with no default class and one that encrypts: %s, want no storage findings", out)
	}
	if got := at(getJSON(t, "-n", "storage", "pvc", "given"), "spec", "storageClassName"); got != "e2e-sealed" {
		t.Fatalf("class %v, want e2e-sealed", got)
	}
	if _, err := s.kubectl("apply", "-n", "storage", "-f", "testdata/statefulset.yaml"); err != nil {
		t.Fatal(err)
	}
	if got := at(getJSON(t, "-n", "storage", "statefulset", "db"), "spec", "volumeClaimTemplates", 0, "spec", "storageClassName"); got != "e2e-sealed" {
		t.Fatalf("template class %v, want e2e-sealed", got)
	}
	// A team member cannot pick the plain class either.
	_, err = asDev(claim("mine", "e2e-plain"), "apply", "-n", "storage", "-f", "-")
	denied(t, "a team member's claim on the plain class", err, "[encrypted-volumes]", "e2e-sealed")
	absent(t, "storage", "pvc", "mine")
}
