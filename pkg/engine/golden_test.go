package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/webhook"
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
//	objects.yaml     the companion objects the controller writes for the stored
//	                 object, when there are any (pave check names them only when
//	                 admission allows it)
type goldenCase struct {
	dir        string
	input      []byte
	eng        *engine.Engine
	env        policy.Env
	exceptions []v1alpha1.PolicyException
	canary     []byte
	classes    []byte
}

// goldenDirs are the golden cases' directories.
func goldenDirs(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	return dirs
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
	if c.eng, err = companions.Engine(pol); err != nil {
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
	dirs := goldenDirs(t)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := loadCase(t, dir)
			cli := viaCLI(t, c)
			cliOut, cliObjects := toYAML(t, cli.Rendered), companionsYAML(t, cli)
			cliViolations := violationsYAML(t, cli.Violations, cli.Warnings)
			hookOut, hookObjects := viaWebhook(t, c, cli)

			if !bytes.Equal(cliOut, hookOut) {
				t.Fatalf("CLI and webhook paths disagree on the output:\nCLI:\n%s\nwebhook:\n%s", cliOut, hookOut)
			}
			// pave check names the companions of what admission allows; a
			// denied workload has none until it exists some other way (made
			// before pave, or before the policy changed), when the controller
			// writes the golden's.
			switch {
			case cli.Allowed && !bytes.Equal(cliObjects, hookObjects):
				t.Fatalf("CLI and webhook paths disagree on the companion objects:\nCLI:\n%s\nwebhook:\n%s", cliObjects, hookObjects)
			case !cli.Allowed && len(cliObjects) > 0:
				t.Fatalf("the CLI renders companions of a denied workload:\n%s", cliObjects)
			}
			compareGolden(t, filepath.Join(dir, "output.yaml"), cliOut)
			compareOptionalGolden(t, filepath.Join(dir, "objects.yaml"), hookObjects)
			compareGolden(t, filepath.Join(dir, "violations.yaml"), cliViolations)
			assertIdempotent(t, c, cliOut)
		})
	}
}

// viaCLI runs the case as `pave check --render` does.
func viaCLI(t *testing.T, c goldenCase) check.Object {
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
	return rep.Objects[0]
}

// companionsYAML is the CLI's rendered companions, one document each.
func companionsYAML(t *testing.T, o check.Object) []byte {
	t.Helper()
	var objs []byte
	for _, js := range o.RenderedCompanions {
		objs = append(objs, "---\n"...)
		objs = append(objs, toYAML(t, js)...)
	}
	return objs
}

// viaWebhook runs the case through the webhook's real handlers, as the API
// server would call them: the mutating webhook's Handle answers a CREATE with
// a JSON patch, which is applied to the object as sent; the validating
// webhook's Handle judges the result, its namespace, exceptions, canary and
// StorageClasses read from a client as the cache serves them. Its answer must
// be the one the CLI's findings make: denied with every enforced violation,
// or allowed, with the same warnings. The companions are what the
// controller generates for the stored object.
func viaWebhook(t *testing.T, c goldenCase, cli check.Object) (out, objects []byte) {
	t.Helper()
	raw, err := yaml.YAMLToJSON(c.input)
	if err != nil {
		t.Fatal(err)
	}
	w := decode(t, raw)
	ns := w.Meta.Namespace
	if ns == "" { // as kubectl sends it: the context's namespace
		ns = c.env.Namespace.Name
	}
	mutate, validate := handlers(t, c, ns)
	ctx := context.Background()
	mres := mutate.Handle(ctx, admissionRequest(w, ns, raw))
	if !mres.Allowed {
		t.Fatalf("the mutating webhook refused: %v", mres.Result)
	}
	patched := raw
	if err := mres.Complete(admission.Request{}); err != nil {
		t.Fatal(err)
	}
	if len(mres.Patch) > 0 {
		patch, err := jsonpatch.DecodePatch(mres.Patch)
		if err != nil {
			t.Fatal(err)
		}
		if patched, err = patch.Apply(raw); err != nil {
			t.Fatal(err)
		}
	}
	vres := validate.Handle(ctx, admissionRequest(w, ns, patched))
	assertVerdict(t, vres, cli, ns)

	admitted := decode(t, patched)
	env := c.env
	env.Namespace.Name = ns
	companions, err := c.eng.Generate(ctx, admitted, env)
	if err != nil {
		t.Fatal(err)
	}
	nsObjs, err := c.eng.GenerateNamespace(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	var objs []byte
	for _, o := range append(companions, nsObjs...) {
		js, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, "---\n"...)
		objs = append(objs, toYAML(t, js)...)
	}
	return toYAML(t, patched), objs
}

// handlers serve the case's policy, reading what a cluster would hold.
func handlers(t *testing.T, c goldenCase, ns string) (*webhook.Mutate, *webhook.Validate) {
	t.Helper()
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	objs := []client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: c.env.Namespace.Labels}}}
	for i := range c.exceptions {
		objs = append(objs, &c.exceptions[i])
	}
	for i := range c.env.StorageClasses {
		objs = append(objs, &c.env.StorageClasses[i])
	}
	if c.canary != nil {
		js, _ := yaml.YAMLToJSON(c.canary)
		var d appsv1.Deployment
		if err := json.Unmarshal(js, &d); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, &d)
	}
	reader := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).
		WithIndex(&appsv1.Deployment{}, environment.IndexCanaryOf, environment.CanaryOfIndex).Build()
	engines := &webhook.Engines{}
	engines.Store(c.eng)
	common := webhook.Common{Engines: engines, Deadline: 10 * time.Second, Ungoverned: []string{"pave-system"},
		Env: environment.Builder{Source: environment.Cluster{Reader: reader}, Now: func() time.Time { return goldenNow }}}
	return &webhook.Mutate{Common: common}, &webhook.Validate{Common: common, Log: logr.Discard()}
}

// admissionRequest is the CREATE the API server sends for the object.
func admissionRequest(w *workload.Workload, ns string, raw []byte) admission.Request {
	var tm metav1.TypeMeta
	_ = json.Unmarshal(raw, &tm)
	gvk := tm.GroupVersionKind()
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID: "golden", Operation: admissionv1.Create, Namespace: ns, Name: w.Name(),
		Kind:   metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
		Object: runtime.RawExtension{Raw: raw},
	}}
}

// assertVerdict holds the validating webhook's answer to the CLI's findings:
// the enforced ones deny, in one message; warned and waived ones are
// kubectl's warnings, after the engine's notes; recorded ones are neither.
func assertVerdict(t *testing.T, res admission.Response, cli check.Object, ns string) {
	t.Helper()
	var denied []policy.Violation
	warnings := append([]string(nil), cli.Warnings...)
	for _, v := range cli.Violations {
		switch v.Outcome() {
		case policy.OutcomeDeny:
			denied = append(denied, v)
		case policy.OutcomeWarn, policy.OutcomeWaived:
			warnings = append(warnings, webhook.Warning(v))
		}
	}
	if res.Allowed != (len(denied) == 0) {
		t.Fatalf("the webhook answered allowed=%v (%v); the CLI's findings deny %d", res.Allowed, res.Result, len(denied))
	}
	if len(denied) > 0 {
		if want := webhook.Denial(cli.Kind, ns, cli.Name, denied); res.Result == nil || res.Result.Message != want {
			t.Fatalf("the webhook's denial differs from the CLI's findings:\n--- webhook\n%v\n--- CLI\n%s", res.Result, want)
		}
	}
	if !slices.Equal(res.Warnings, warnings) {
		t.Fatalf("the webhook's warnings differ from the CLI's:\n--- webhook\n%q\n--- CLI\n%q", res.Warnings, warnings)
	}
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
