package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"gomodules.xyz/jsonpatch/v2"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// BenchmarkMutatePatch is the engine's part of a /mutate: the benchmark's
// Deployment (one container, and 20) completed under the benchmark's policy
// (mesh on) and its patch built, without decoding or HTTP. Its profile is
// the mutators' and the patch's alone. The baseline, timed in the same loop,
// is the same mutation patched the common way (controller-runtime's
// PatchResponseFromRaw: the mutated object encoded and diffed against raw);
// x-diff is pave's time over it.
func BenchmarkMutatePatch(b *testing.B) {
	pol, err := benchdata.LoadPolicy()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := companions.Engine(pol)
	if err != nil {
		b.Fatal(err)
	}
	env := policy.Env{Namespace: policy.Namespace{Name: "shop", Labels: map[string]string{"pave.dev/team": benchdata.Team}}}
	ctx := context.Background()
	for _, n := range []int{1, 20} {
		raw, err := json.Marshal(benchdata.Compliant(n))
		if err != nil {
			b.Fatal(err)
		}
		w, err := workload.FromJSON("apps/v1", "Deployment", raw)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("containers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var pave, diff time.Duration
			for b.Loop() {
				t0 := time.Now()
				r, err := eng.Mutate(ctx, w, env)
				if err != nil {
					b.Fatal(err)
				}
				if ops, err := r.Patch(raw); err != nil || len(ops) == 0 {
					b.Fatalf("patch %v: %v", ops, err)
				}
				t1 := time.Now()
				r, err = eng.Mutate(ctx, w, env)
				if err != nil {
					b.Fatal(err)
				}
				mutated, err := json.Marshal(r.Mutated.Object)
				if err != nil {
					b.Fatal(err)
				}
				if ops, err := jsonpatch.CreatePatch(raw, mutated); err != nil || len(ops) == 0 {
					b.Fatalf("diff %v: %v", ops, err)
				}
				pave, diff = pave+t1.Sub(t0), diff+time.Since(t1)
			}
			b.ReportMetric(float64(pave)/float64(diff), "x-diff")
			b.ReportMetric(float64(pave.Microseconds())/float64(b.N), "µs-pave")
			b.ReportMetric(float64(diff.Microseconds())/float64(b.N), "µs-diff")
		})
	}
}
