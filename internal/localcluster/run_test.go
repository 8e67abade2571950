package localcluster

import (
	"errors"
	"os/exec"
	"testing"
)

// A failure reads as what the binary wrote to stderr, and still tells its
// exit code: pave audit writes notes to stderr and exits 1 for findings.
func TestRunErrorKeepsTheExitCode(t *testing.T) {
	c := &Cluster{}
	out, err := c.Run("sh", "", "-c", "echo found; echo a note >&2; exit 1")
	var exit *exec.ExitError
	if out != "found\n" || err == nil || err.Error() != "a note" || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("out %q, err %v (exit %v)", out, err, exit)
	}
	if _, err := c.Run("sh", "", "-c", "exit 2"); err == nil || err.Error() != "exit status 2" {
		t.Errorf("without stderr: %v", err)
	}
}
