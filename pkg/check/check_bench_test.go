package check_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// BenchmarkCheck measures the check loop on the golden inputs, against the
// parse-only baseline in the same run; `make bench` measures the binary end to end.
func BenchmarkCheck(b *testing.B) {
	files, _ := filepath.Glob("../engine/testdata/golden/*/input.yaml")
	var inputs []manifest.Input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, manifest.Input{Source: f, Data: data})
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name      string
		parseOnly bool
	}{{"baseline-parse-only", true}, {"full", false}} {
		b.Run(mode.name, func(b *testing.B) {
			opts := check.Options{Engine: eng, DefaultNamespace: "default", ParseOnly: mode.parseOnly, Workers: 1}
			for b.Loop() {
				check.Run(context.Background(), inputs, opts)
			}
			b.ReportMetric(float64(b.N*len(inputs))/b.Elapsed().Seconds(), "resources/s")
		})
	}
}
