package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// BenchmarkMutatePatch is the engine's part of a /mutate: the benchmark's
// Deployment (one container, and 20) completed under the benchmark's policy
// (mesh on) and its patch built, without decoding or HTTP. Its profile is
// the mutators' and the patch's alone.
func BenchmarkMutatePatch(b *testing.B) {
	pol, _, err := policy.Load("bench-policy.yaml", []byte(benchdata.Policy))
	if err != nil {
		b.Fatal(err)
	}
	eng, err := companions.Engine(pol)
	if err != nil {
		b.Fatal(err)
	}
	env := policy.Env{Namespace: policy.Namespace{Name: "shop", Labels: map[string]string{"pave.dev/team": benchdata.Team}}}
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
			for b.Loop() {
				r, err := eng.Mutate(context.Background(), w, env)
				if err != nil {
					b.Fatal(err)
				}
				ops, err := r.Patch(raw)
				if err != nil || len(ops) == 0 {
					b.Fatalf("patch %v: %v", ops, err)
				}
			}
		})
	}
}
