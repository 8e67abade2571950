package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// FuzzEngine drives arbitrary YAML through parse -> engine -> patch -> apply and
// asserts what must hold for any input: no panic, a patch that applies to the
// raw object and gives what the reference diff gives, and an idempotent result. Seeded from the golden inputs.
func FuzzEngine(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/golden/*/input.yaml")
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	e, err := defaultEngineF(f)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env := workloadtest.Env()
		for _, doc := range manifest.Split("fuzz", data) {
			objs, err := manifest.Decode(doc)
			if err != nil {
				continue // bad input is reported, not a failure
			}
			for _, o := range objs {
				w, err := workload.FromJSON(o.APIVersion, o.Kind, o.JSON)
				if err != nil || w == nil {
					continue
				}
				given, _ := w.JSON()
				res, err := e.Run(context.Background(), w, env)
				if err != nil {
					t.Fatalf("engine: %v", err)
				}
				// The mutators' copy shares what is outside their scope
				// with the original: nothing may reach it through that.
				if kept, _ := res.Original.JSON(); !bytes.Equal(kept, given) {
					t.Fatalf("the mutation changed the original\nbefore: %s\nafter: %s", given, kept)
				}
				ops, err := res.Patch(o.JSON)
				if err != nil {
					t.Fatalf("patch: %v", err)
				}
				pj, _ := json.Marshal(ops)
				p, err := jsonpatch.DecodePatch(pj)
				if err != nil {
					t.Fatalf("decode patch: %v", err)
				}
				patched, err := p.Apply(o.JSON)
				if err != nil {
					t.Fatalf("the patch does not apply to the raw object: %v\nraw: %s\npatch: %s", err, o.JSON, pj)
				}
				// The same document as the former algorithm's, which decodes
				// the whole raw object where the patch reads it along paths.
				before, _ := res.Original.JSON()
				after, _ := res.Mutated.JSON()
				ref, err := engine.DiffKept(o.JSON, before, after)
				if err != nil {
					t.Fatalf("reference diff: %v", err)
				}
				if got, want := apply(t, o.JSON, ops), apply(t, o.JSON, ref); !reflect.DeepEqual(got, want) {
					t.Fatalf("the patch gives another object than the diff\nraw: %s\npatch: %s", o.JSON, pj)
				}
				w2, err := workload.FromJSON(o.APIVersion, o.Kind, patched)
				if err != nil {
					t.Fatalf("patched object does not decode: %v", err)
				}
				again, err := e.Mutate(context.Background(), w2, env)
				if err != nil {
					t.Fatal(err)
				}
				if len(again.Mutators) > 0 {
					t.Fatalf("not idempotent: mutators %v changed the admitted object\n%s", again.Mutators, patched)
				}
			}
		}
	})
}

func defaultEngineF(f *testing.F) (*engineT, error) { return newDefault(policy.Default()) }
