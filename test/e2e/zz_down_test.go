package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func combinedKubectl(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(s.assets, "kubectl"), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.cluster.Kubeconfig)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// With pave stopped, kube-system is still served and a governed namespace
// fails closed with an error that names pave's webhook. Runs last: the file sorts last, and it restarts pave when done.
func TestWebhookDown(t *testing.T) {
	s.stopWebhook()
	t.Cleanup(func() {
		if err := s.startWebhook(); err != nil {
			t.Errorf("restart pave-webhook: %v", err)
		}
	})
	if _, err := s.kubectl("apply", "-n", "kube-system", "-f", "testdata/plain.yaml"); err != nil {
		t.Fatalf("kube-system blocked while pave is down: %v", err)
	}
	namespace(t, "governed", map[string]string{"pave.dev/team": "governed"})
	out, err := combinedKubectl("apply", "-n", "governed", "-f", "testdata/plain.yaml")
	if err == nil {
		t.Fatalf("admitted without pave: %s", out)
	}
	mustContain(t, out, `failed calling webhook "validate.pave.dev"`)
	if got, _ := s.kubectl("get", "-n", "governed", "deployment", "web", "--ignore-not-found"); got != "" {
		t.Fatal("stored without pave's check")
	}
}
