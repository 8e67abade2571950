package localcluster_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
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
	if err := c.Stop(); err != nil {
		t.Fatal(err)
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
