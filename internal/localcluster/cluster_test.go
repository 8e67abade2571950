package localcluster_test

import (
	"context"
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
