package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The admission-only build exists to leave out the APIs the controller
// writes (docs/performance.md): a new import that pulls one back in would
// quietly undo it.
func TestAdmissionOnlyBuildLinksNoCompanionAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-tags", "admissiononly", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, api := range []string{"istio.io/", "github.com/cilium/", "github.com/vmware-tanzu/velero", "github.com/prometheus-operator/", "sigs.k8s.io/network-policy-api", "github.com/pave-dev/pave/pkg/companions"} {
		for _, d := range deps {
			if strings.HasPrefix(d, api) {
				t.Errorf("the admission-only build links %s", d)
				break
			}
		}
	}
	// The full build does link them: the check above can fail.
	out, err = exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "istio.io/client-go") {
		t.Error("the full build does not link Istio's API: is the check above still looking at the right names?")
	}
}
