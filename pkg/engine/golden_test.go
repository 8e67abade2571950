package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	storagev1 "k8s.io/api/storage/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var update = flag.Bool("update", false, "rewrite the golden output.yaml and violations.yaml files (review the diff)")

// goldenNow is the clock the golden cases are judged at (exception expiry).
var goldenNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// goldenCase is one directory under testdata/golden:
//
//	input.yaml       one workload as a user would apply it
//	policy.yaml      optional: PlatformPolicy and/or PolicyExceptions
//	namespace.yaml   optional: {name, labels} of the workload's namespace
//	output.yaml      the object after admission's mutation
//	violations.yaml  what validation reports on it
//	canary.yaml      optional: the stored canary of the workload, as the controller finds it
//	storageclasses.yaml  optional: the cluster's StorageClasses (pave check reads them from its input)
//	objects.yaml     the companion objects, when there are any
type goldenCase struct {
	dir        string
	input      []byte
	eng        *engine.Engine
	env        policy.Env
	exceptions []v1alpha1.PolicyException
	canary     []byte
	classes    []byte
}

func loadCase(t *testing.T, dir string) goldenCase {
	t.Helper()
	c := goldenCase{dir: dir, input: readFile(t, filepath.Join(dir, "input.yaml"))}
	pol := policy.Default()
	if data, err := os.ReadFile(filepath.Join(dir, "policy.yaml")); err == nil {
		if pol, c.exceptions, err = policy.Load("policy.yaml", data); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if c.eng, err = engine.Default(pol); err != nil {
		t.Fatal(err)
	}
	ns := policy.Namespace{Name: "default"}
	if data, err := os.ReadFile(filepath.Join(dir, "namespace.yaml")); err == nil {
		if err := yaml.UnmarshalStrict(data, &ns); err != nil {
			t.Fatal(err)
		}
	}
	c.env = policy.Env{Namespace: ns, Now: goldenNow, Exceptions: c.exceptions}
	if data, err := os.ReadFile(filepath.Join(dir, "storageclasses.yaml")); err == nil {
		c.classes = data
		for _, d := range manifest.Split("storageclasses.yaml", data) {
			js, err := yaml.YAMLToJSON(d.Raw)
			if err != nil {
				t.Fatal(err)
			}
			var sc storagev1.StorageClass
			if err := json.Unmarshal(js, &sc); err != nil {
				t.Fatal(err)
			}
			c.env.StorageClasses = append(c.env.StorageClasses, sc)
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "canary.yaml")); err == nil {
		c.canary = data
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		c.env.Canary = decode(t, js)
	}
	return c
}

func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := loadCase(t, dir)
			cliOut, cliViolations, cliObjects := viaCLI(t, c)
			hookOut, hookViolations, hookObjects := viaWebhook(t, c)

			if !bytes.Equal(cliOut, hookOut) {
				t.Fatalf("CLI and webhook paths disagree on the output:\nCLI:\n%s\nwebhook:\n%s", cliOut, hookOut)
			}
			if !bytes.Equal(cliViolations, hookViolations) {
				t.Fatalf("CLI and webhook paths disagree on the violations:\nCLI:\n%s\nwebhook:\n%s", cliViolations, hookViolations)
			}
			if !bytes.Equal(cliObjects, hookObjects) {
				t.Fatalf("CLI and webhook paths disagree on the companion objects:\nCLI:\n%s\nwebhook:\n%s", cliObjects, hookObjects)
			}
			compareGolden(t, filepath.Join(dir, "output.yaml"), cliOut)
			compareOptionalGolden(t, filepath.Join(dir, "objects.yaml"), cliObjects)
			compareGolden(t, filepath.Join(dir, "violations.yaml"), cliViolations)
			assertIdempotent(t, c, cliOut)
		})
	}
}

// viaCLI runs the case as `pave check --render` does.
func viaCLI(t *testing.T, c goldenCase) (out, violations, objects []byte) {
	t.Helper()
	inputs := []manifest.Input{{Source: "input.yaml", Data: c.input}}
	if c.canary != nil { // the CLI finds a stable's canary in its input
		inputs = append(inputs, manifest.Input{Source: "canary.yaml", Data: c.canary})
	}
	if c.classes != nil { // ... and the cluster's StorageClasses
		inputs = append(inputs, manifest.Input{Source: "storageclasses.yaml", Data: c.classes})
	}
	rep := check.Run(context.Background(), inputs, check.Options{
		Engine: c.eng, Env: c.env, DefaultNamespace: c.env.Namespace.Name, Render: true,
	})
	if len(rep.Errors) > 0 || len(rep.Objects) < len(inputs) || rep.Objects[0].Source != "input.yaml" {
		t.Fatalf("check: %d objects, errors %v", len(rep.Objects), rep.Errors)
	}
	o := rep.Objects[0]
	var objs []byte
	for _, js := range o.RenderedCompanions {
		objs = append(objs, "---\n"...)
		objs = append(objs, toYAML(t, js)...)
	}
	return toYAML(t, o.Rendered), violationsYAML(t, o.Violations, o.Warnings), objs
}

// viaWebhook runs the case as admission does: the mutating webhook's patch is
// applied to the raw object, then the validating webhook judges the result.
func viaWebhook(t *testing.T, c goldenCase) (out, violations, objects []byte) {
	t.Helper()
	raw, err := yaml.YAMLToJSON(c.input)
	if err != nil {
		t.Fatal(err)
	}
	w := decode(t, raw)
	res, err := c.eng.Mutate(context.Background(), w, c.env)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := res.Patch(raw)
	if err != nil {
		t.Fatal(err)
	}
	pj, _ := json.Marshal(ops)
	patch, err := jsonpatch.DecodePatch(pj)
	if err != nil {
		t.Fatal(err)
	}
	patched, err := patch.Apply(raw)
	if err != nil {
		t.Fatal(err)
	}
	admitted := decode(t, patched)
	vs, warnings, err := c.eng.Validate(context.Background(), admitted, c.env)
	if err != nil {
		t.Fatal(err)
	}
	// What the controller would apply for the stored object.
	companions, err := c.eng.Generate(context.Background(), admitted, c.env)
	if err != nil {
		t.Fatal(err)
	}
	// ... and what the namespace reconciler would apply beside it.
	nsEnv := c.env
	if ns := admitted.Meta.Namespace; ns != "" { // as the API server names the request's namespace
		nsEnv.Namespace.Name = ns
	}
	nsObjs, err := c.eng.GenerateNamespace(context.Background(), nsEnv)
	if err != nil {
		t.Fatal(err)
	}
	companions = append(companions, nsObjs...)
	var objs []byte
	for _, o := range companions {
		js, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, "---\n"...)
		objs = append(objs, toYAML(t, js)...)
	}
	return toYAML(t, patched), violationsYAML(t, vs, warnings), objs
}

// compareOptionalGolden is compareGolden for a file that exists only when
// there is something to hold.
func compareOptionalGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if len(got) == 0 {
		if *update {
			_ = os.Remove(path)
		} else if _, err := os.Stat(path); err == nil {
			t.Fatalf("%s exists but the case generates no objects", path)
		}
		return
	}
	compareGolden(t, path, got)
}

// assertIdempotent admits the output again: nothing may change.
func assertIdempotent(t *testing.T, c goldenCase, out []byte) {
	t.Helper()
	js, err := yaml.YAMLToJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	w := decode(t, js)
	res, err := c.eng.Mutate(context.Background(), w, c.env)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.eng.CheckIdempotent(context.Background(), res, c.env); err != nil {
		t.Fatal(err)
	}
	if len(res.Mutators) > 0 {
		t.Fatalf("admitting the output again ran mutators %v: not idempotent", res.Mutators)
	}
}

func decode(t *testing.T, js []byte) *workload.Workload {
	t.Helper()
	var tm struct{ APIVersion, Kind string }
	if err := json.Unmarshal(js, &tm); err != nil {
		t.Fatal(err)
	}
	w, err := workload.FromJSON(tm.APIVersion, tm.Kind, js)
	if err != nil || w == nil {
		t.Fatalf("decode %s: %v", tm.Kind, err)
	}
	return w
}

func toYAML(t *testing.T, js []byte) []byte {
	t.Helper()
	y, err := yaml.JSONToYAML(js)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func violationsYAML(t *testing.T, vs []policy.Violation, warnings []string) []byte {
	t.Helper()
	doc := struct {
		Violations []policy.Violation `json:"violations"`
		Warnings   []string           `json:"warnings,omitempty"`
	}{Violations: vs, Warnings: warnings}
	if doc.Violations == nil {
		doc.Violations = []policy.Violation{}
	}
	y, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readFile(t, path)
	if !bytes.Equal(want, got) {
		t.Fatalf("%s differs (run go test ./pkg/engine -update and review the diff):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
