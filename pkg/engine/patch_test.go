package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/google/go-cmp/cmp"
	gomodulespatch "gomodules.xyz/jsonpatch/v2"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The patch from the typed changes does what a diff of the raw object
// against the mutated one, kept where the typed encodings differ (the
// former algorithm, reference.go's DiffKept), does: applied to the raw
// object, both give the same document, for every admission the tests hold
// (admissions). Fields pave's types do not know survive both.
func TestPatchAgreesWithTheDiff(t *testing.T) {
	checked := 0
	admissions(t, func(name string, e *engine.Engine, env policy.Env, raw []byte, w *workload.Workload) {
		res, err := e.Mutate(context.Background(), w, env)
		if err != nil {
			t.Fatal(err)
		}
		ops, err := res.Patch(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		before, _ := res.Original.JSON()
		after, _ := res.Mutated.JSON()
		ref, err := engine.DiffKept(raw, before, after)
		if err != nil {
			t.Fatal(err)
		}
		got, want := apply(t, raw, ops), apply(t, raw, ref)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: the patch gives another object than the diff (-diff +patch):\n%s", name, d)
		}
		checked++
	})
	if checked < 200 {
		t.Errorf("compared %d objects; the inputs are missing", checked)
	}
}

// Mutate leaves the workload it was given as it was, for every admission the
// tests hold: the copy the mutators change shares the containers' resource
// lists with it (copyInScope), and a mutator that wrote into
// one would change both, so that the patch, which compares the two, would
// lose the change without a word.
func TestMutateLeavesTheOriginal(t *testing.T) {
	changed := 0
	admissions(t, func(name string, e *engine.Engine, env policy.Env, _ []byte, w *workload.Workload) {
		before, _ := w.JSON()
		res, err := e.Mutate(context.Background(), w, env)
		if err != nil {
			t.Fatal(err)
		}
		if after, _ := w.JSON(); string(after) != string(before) {
			t.Errorf("%s: Mutate changed its input (mutated by %v):\n%s", name, res.Mutators, cmp.Diff(string(before), string(after)))
		}
		if slices.Contains(res.Mutators, "resources") {
			changed++
		}
	})
	if changed < 20 {
		t.Errorf("resources defaulted in %d admissions; the inputs are missing", changed)
	}
}

// The copy the mutators change owns every place their scope names, for
// every admission the tests hold: it shares the rest with the original
// (copyInScope), and a pointer, slice or map shared in scope would let a
// mutator write into the original, which may be the decoder's memo that
// every later request reads (workload.NewDecoder).
func TestMutationCopyOwnsItsScope(t *testing.T) {
	n := 0
	admissions(t, func(name string, e *engine.Engine, _ policy.Env, _ []byte, w *workload.Workload) {
		for _, p := range e.SharedInScope(w) {
			t.Errorf("%s: the copy shares %s with the original", name, p)
		}
		n++
	})
	if n < 50 {
		t.Errorf("%d admissions; the inputs are missing", n)
	}
}

// Judging a workload, as the validating webhook does (the validators, on
// the object and against the old one, and the companions' generators),
// changes nothing in it: the admission server's decoder hands out resource
// lists it shares with every other request (workload.NewDecoder), so a write
// into one would reach the workloads decoded after.
func TestJudgingLeavesTheWorkload(t *testing.T) {
	ctx := context.Background()
	admissions(t, func(name string, e *engine.Engine, env policy.Env, _ []byte, w *workload.Workload) {
		before, _ := w.JSON()
		old := w.DeepCopy()
		if _, _, err := e.ValidateUpdate(ctx, w, old, env); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Generate(ctx, w, env); err != nil {
			t.Fatal(err)
		}
		for what, o := range map[string]*workload.Workload{"workload": w, "old workload": old} {
			if after, _ := o.JSON(); string(after) != string(before) {
				t.Errorf("%s: judging changed the %s:\n%s", name, what, cmp.Diff(string(before), string(after)))
			}
		}
	})
}

// Each mutator changes a workload only where its Scope says, and reports
// every change it makes, for every admission the tests hold: the patch
// compares nothing else, and nothing at all when no mutator changed anything.
func TestMutatorsChangeOnlyTheirScope(t *testing.T) {
	admissions(t, func(name string, e *engine.Engine, env policy.Env, _ []byte, w *workload.Workload) {
		outside, err := e.OutsideScope(context.Background(), w, env)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outside {
			t.Errorf("%s: %s", name, o)
		}
	})
}

// admissions calls fn for every workload the tests hold: each golden case's
// input under its own policy and namespace, and every golden, e2e and
// hostile input under the built-in policy, with the mesh on, and under the
// benchmark's policy (whose proxy brings volumes).
func admissions(t *testing.T, fn func(name string, e *engine.Engine, env policy.Env, raw []byte, w *workload.Workload)) {
	t.Helper()
	each := func(name string, e *engine.Engine, env policy.Env, data []byte) {
		for _, doc := range manifest.Split(name, data) {
			objs, err := manifest.Decode(doc)
			if err != nil {
				continue
			}
			for _, o := range objs {
				w, err := workload.FromJSON(o.APIVersion, o.Kind, o.JSON)
				if err != nil || w == nil {
					continue
				}
				fn(name+" "+w.Name(), e, env, o.JSON, w)
			}
		}
	}
	dirs, _ := filepath.Glob("testdata/golden/*")
	for _, dir := range dirs {
		c := loadCase(t, dir)
		each(dir, c.eng, c.env, c.input)
	}
	mesh, _, err := policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {mesh: {mode: istio}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	bench, err := benchdata.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/golden/*/*.yaml")
	more, _ := filepath.Glob("../../test/e2e/testdata/*.yaml")
	files = append(files, more...)
	files = append(files, "testdata/unknown-fields.json")
	for _, p := range []*policy.Policy{policy.Default(), mesh, bench} {
		e, err := companions.Engine(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			each(f, e, workloadtest.Env(), data)
		}
	}
}

func apply(t *testing.T, raw []byte, ops []gomodulespatch.Operation) any {
	t.Helper()
	pj, err := engine.EncodePatch(ops)
	if err != nil {
		t.Fatal(err)
	}
	p, err := jsonpatch.DecodePatch(pj)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Apply(raw)
	if err != nil {
		t.Fatalf("the patch does not apply: %v\n%s", err, pj)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// EncodePatch writes what encoding the operations with encoding/json writes,
// for each kind of operation and value, and paths that need escaping.
func TestEncodePatch(t *testing.T) {
	ops := []gomodulespatch.Operation{
		{Operation: "add", Path: "/metadata/labels/pave.dev~1zone", Value: json.RawMessage(`"internal"`)},
		{Operation: "replace", Path: `/metadata/annotations/a"b\\c<d>ü`, Value: json.RawMessage(`{"k": [1, 2.5, null]}`)},
		{Operation: "add", Path: "/spec/x", Value: map[string]any{"n": 1, "s": "<&>"}},
		{Operation: "add", Path: "/spec/y"},
		{Operation: "replace", Path: "/spec/z", Value: json.RawMessage(nil)},
		{Operation: "remove", Path: "/spec/template/spec/containers/1"},
	}
	got, err := engine.EncodePatch(ops)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	_ = json.Unmarshal(want, &w)
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("EncodePatch differs from encoding/json (-json +EncodePatch):\n%s", d)
	}
	if empty, _ := engine.EncodePatch(nil); string(empty) != "[]" {
		t.Errorf("no operations: %s", empty)
	}
}

func TestPointerEscapesAsRFC6901(t *testing.T) {
	for _, c := range []struct {
		path []string
		want string
	}{
		{nil, ""},
		{[]string{""}, "/"},
		{[]string{"spec", "template", "spec", "containers", "0"}, "/spec/template/spec/containers/0"},
		{[]string{"metadata", "labels", "app.kubernetes.io/name"}, "/metadata/labels/app.kubernetes.io~1name"},
		{[]string{"a~b/c", "~1", "//"}, "/a~0b~1c/~01/~1~1"},
	} {
		if got := engine.Pointer(c.path); got != c.want {
			t.Errorf("pointer(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}
