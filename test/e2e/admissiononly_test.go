package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// The admission-only build has no generators: run as the controller it
// would reconcile nothing and prune nothing. It refuses, and says which
// binary to use, before it touches the cluster.
func TestAdmissionOnlyBuildRefusesTheControllerRoles(t *testing.T) {
	for _, role := range []string{"controller", "all"} {
		out, err := exec.Command(s.admissionBin, "--role", role).CombinedOutput()
		if err == nil {
			t.Fatalf("--role %s: the admission-only build started\n%s", role, out)
		}
		if !strings.Contains(string(out), "admission-only build") || !strings.Contains(string(out), "--role admission") {
			t.Errorf("--role %s: %s", role, out)
		}
	}
}

// A controller that may reconcile nothing would keep no companion: it
// refuses at start, naming the flag and its default.
func TestControllerRefusesZeroReconcileWorkers(t *testing.T) {
	out, err := exec.Command(s.webhookBin, "--role", "controller", "--reconcile-workers", "0").CombinedOutput()
	if err == nil {
		t.Fatalf("--reconcile-workers 0: pave-webhook started\n%s", out)
	}
	if !strings.Contains(string(out), "--reconcile-workers 0") || !strings.Contains(string(out), "4 is the default") {
		t.Errorf("--reconcile-workers 0: %s", out)
	}
}
