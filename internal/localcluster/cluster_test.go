package localcluster_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pave-dev/pave/internal/localcluster"
)

func TestStartStop(t *testing.T) {
	assets, _ := filepath.Abs("../../bin/assets")
	if _, err := os.Stat(assets); err != nil {
		t.Skip("no control plane in bin/assets; make test builds it")
	}
	c, err := localcluster.Start(context.Background(), localcluster.Options{
		Assets: assets, CRDs: []string{"../../manifests/crds"}, Dir: t.TempDir(), Log: os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The API server it started is found, and nothing else.
	pid, err := localcluster.APIServerPid()
	if err != nil {
		t.Error(err)
	} else if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); filepath.Base(exe) != "kube-apiserver" {
		t.Errorf("pid %d is %q, not the API server", pid, exe)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if pid, err := localcluster.APIServerPid(); err == nil {
		t.Errorf("an API server (pid %d) after the cluster stopped", pid)
	}
}

// The ports a setup picks together are distinct and free: each can be bound.
func TestFreePortsAreDistinct(t *testing.T) {
	ports := localcluster.FreePorts(64)
	seen := map[int]bool{}
	for _, p := range ports {
		if p == 0 || seen[p] {
			t.Fatalf("port %d handed out twice or zero: %v", p, ports)
		}
		seen[p] = true
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Fatalf("port %d is not free: %v", p, err)
		}
		defer l.Close()
	}
}

// A webhook port something already listens on (a `make demo` left running)
// is refused before the server starts: the old server would answer the
// readiness probe and the API server in the new one's place.
func TestStartWebhookRefusesAPortInUse(t *testing.T) {
	held, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	port := held.Addr().(*net.TCPAddr).Port
	free := localcluster.FreePorts(1)[0]
	for _, o := range []localcluster.WebhookOptions{{Port: port, ProbePort: free}, {Port: free, ProbePort: port}} {
		o.Binary, o.Log = filepath.Join(t.TempDir(), "never-started"), filepath.Join(t.TempDir(), "log")
		w, err := (&localcluster.Cluster{}).StartWebhook(o)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d is in use", port)) {
			t.Errorf("ports %d and %d, %d held: %v, %v; want an error naming port %d", o.Port, o.ProbePort, port, w, err, port)
		}
		if _, statErr := os.Stat(o.Log); statErr == nil {
			t.Errorf("the server was started (its log exists) though port %d is in use", port)
		}
	}
}
