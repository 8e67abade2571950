package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	gomodulesjsonpatch "gomodules.xyz/jsonpatch/v2"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/workload"
)

// Regression tests for issue 7 (docs/security.md names each). Every case goes
// through the handlers, as the API server would call them.

// update builds an UPDATE request of old to doc, through a subresource if
// given.
func update(t *testing.T, subresource, old, doc string) admission.Request {
	t.Helper()
	req := request(t, admissionv1.Update, "shop", doc)
	raw, err := yaml.YAMLToJSON([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	req.OldObject = runtime.RawExtension{Raw: raw}
	req.SubResource = subresource
	return req
}

// manyContainers is a Deployment whose n containers each break several rules.
func manyContainers(n int) string {
	var b strings.Builder
	b.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big, namespace: shop}\nspec:\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n    spec:\n      containers:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - {name: c%d, image: nginx, securityContext: {privileged: true, runAsUser: 0}}\n", i)
	}
	return b.String()
}

// Finding 1: the denial of a Deployment with many failing containers is
// bounded, not quadratic in their number: each rule lists its first findings
// and counts the rest.
func TestDenialOfManyContainersIsBounded(t *testing.T) {
	m, v := handlers(t)
	req := request(t, admissionv1.Create, "shop", manyContainers(workload.MaxContainers))
	resp := v.Handle(context.Background(), req)
	if resp.Allowed {
		t.Fatal("admitted privileged containers")
	}
	msg := resp.Result.Message
	if len(msg) > 64<<10 {
		t.Fatalf("denial is %d bytes; it must stay bounded", len(msg))
	}
	more := fmt.Sprintf("%d more findings of this rule are not listed", workload.MaxContainers-engine.MaxPerRule)
	for _, want := range []string{"[pss/privileged]", "[image-pinned]", more, "containers[9]"} {
		if !strings.Contains(msg, want) {
			t.Errorf("denial lacks %q", want)
		}
	}
	if strings.Contains(msg, "containers[10].") {
		t.Error("more than the first findings of a rule are listed")
	}
	// The mutating path answers too, with a patch that applies.
	if resp := m.Handle(context.Background(), req); !resp.Allowed || len(patchOps(t, resp)) == 0 {
		t.Fatalf("mutate: allowed=%v patches=%d", resp.Allowed, len(patchOps(t, resp)))
	}
}

// Finding 1: a pod template with more containers than pave judges is denied
// by pod-size alone, before any other work, and left unmutated.
func TestOversizedPodIsDeniedUpFront(t *testing.T) {
	m, v := handlers(t)
	req := request(t, admissionv1.Create, "shop", manyContainers(20000))
	resp := v.Handle(context.Background(), req)
	if resp.Allowed || !strings.Contains(resp.Result.Message, "[pod-size] spec.template.spec: the pod template has 20000 containers") {
		t.Fatalf("allowed=%v %.300s", resp.Allowed, resp.Result.Message)
	}
	if len(resp.Result.Message) > 1024 {
		t.Fatalf("denial of %d bytes", len(resp.Result.Message))
	}
	if resp := m.Handle(context.Background(), req); !resp.Allowed || len(patchOps(t, resp)) != 0 {
		t.Fatalf("mutate: allowed=%v patches=%d", resp.Allowed, len(patchOps(t, resp)))
	}
}

// Finding 1: the request deadline stops the engine; the answer fails closed.
func TestDeadlineStopsTheEngine(t *testing.T) {
	_, v := handlers(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp := v.Handle(ctx, request(t, admissionv1.Create, "shop", manyContainers(50)))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "stopped before it finished") {
		t.Fatalf("allowed=%v %+v", resp.Allowed, resp.Result)
	}
}

const runningPod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web, pave.dev/team: shop, pave.dev/zone: internal}}
spec:
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: nginx:1.27.3
    readinessProbe: {httpGet: {path: /, port: 80}}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

// Finding 2: a Pod's images are mutable, so Pod updates are judged.
func TestPodUpdateIsJudged(t *testing.T) {
	m, v := handlers(t)
	cases := []struct {
		name, doc string
		allowed   bool
	}{
		{"set image to latest", strings.Replace(runningPod, "nginx:1.27.3", "nginx:latest", 1), false},
		{"set an untagged image", strings.Replace(runningPod, "nginx:1.27.3", "evil.example.com/miner", 1), false},
		{"relabel (kubelet, controllers)", strings.Replace(runningPod, "app: web,", "app: web, extra: x,", 1), true},
		{"unchanged", runningPod, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := update(t, "", runningPod, c.doc)
			if resp := v.Handle(context.Background(), req); resp.Allowed != c.allowed {
				t.Fatalf("allowed=%v, want %v: %+v", resp.Allowed, c.allowed, resp.Result)
			}
			// The mutating webhook leaves a running Pod's spec alone: the API
			// server would refuse any change to it.
			if resp := m.Handle(context.Background(), req); !resp.Allowed || len(patchOps(t, resp)) > 0 {
				t.Fatalf("mutate: allowed=%v patches=%v", resp.Allowed, patchOps(t, resp))
			}
		})
	}
}

// Finding 2: a violation the Pod already had (a policy tightened since) does
// not block an update that adds nothing new; it is shown as a warning.
func TestUpdateKeepsPreexistingViolationsVisibleNotBlocking(t *testing.T) {
	_, v := handlers(t)
	old := strings.Replace(runningPod, "nginx:1.27.3", "nginx:latest", 1)
	doc := strings.Replace(old, "app: web,", "app: web, extra: x,", 1)
	resp := v.Handle(context.Background(), update(t, "", old, doc))
	if !resp.Allowed {
		t.Fatalf("a relabel was denied for what the pod already had: %s", resp.Result.Message)
	}
	if w := strings.Join(resp.Warnings, "\n"); !strings.Contains(w, "[image-pinned]") || !strings.Contains(w, "present before this update") {
		t.Fatalf("warnings: %v", resp.Warnings)
	}
}

const debugContainer = `  ephemeralContainers:
  - name: debugger
    image: busybox
    env: [{name: DB_PASSWORD, value: hunter2}]
    securityContext: {privileged: true, runAsUser: 0}
`

// Finding 3: ephemeral containers are containers: judged (with findings at
// spec.ephemeralContainers[i]) and hardened, and only the new ones patched.
func TestEphemeralContainersAreGoverned(t *testing.T) {
	m, v := handlers(t)
	req := update(t, "ephemeralcontainers", runningPod, runningPod+debugContainer)
	resp := v.Handle(context.Background(), req)
	if resp.Allowed {
		t.Fatal("a privileged, root, untagged debug container with a literal password was admitted")
	}
	for _, want := range []string{"[pss/privileged] spec.ephemeralContainers[0].securityContext.privileged", "[image-pinned] spec.ephemeralContainers[0].image", "[no-literal-secrets] spec.ephemeralContainers[0].env[0].value"} {
		if !strings.Contains(resp.Result.Message, want) {
			t.Errorf("denial lacks %q:\n%s", want, resp.Result.Message)
		}
	}
	plain := runningPod + "  ephemeralContainers: [{name: debugger, image: 'busybox:1.36'}]\n"
	mresp := m.Handle(context.Background(), update(t, "ephemeralcontainers", runningPod, plain))
	if !mresp.Allowed || len(patchOps(t, mresp)) == 0 {
		t.Fatalf("debug container not hardened: %+v", mresp)
	}
	for _, op := range patchOps(t, mresp) {
		if !strings.HasPrefix(op.Path, "/spec/ephemeralContainers/0") {
			t.Errorf("patch outside the new ephemeral container: %s", op.Path)
		}
	}
	out := applyPatch(t, []byte(mustJSON(t, plain)), patchOps(t, mresp))
	if !strings.Contains(out, `"allowPrivilegeEscalation":false`) || strings.Contains(out, `"resources"`) {
		t.Fatalf("hardened debug container: %s", out)
	}
}

// Finding 3: the policy may relax named rules for debug containers only; the
// waived findings are shown.
func TestPolicyRelaxesRulesForDebugContainers(t *testing.T) {
	_, v := handlersWithPolicy(t, `spec: {security: {ephemeralContainers: {relaxedRules: ["pss/*", image-pinned]}}}`)
	doc := runningPod + "  ephemeralContainers: [{name: debugger, image: busybox, securityContext: {runAsUser: 0, capabilities: {add: [SYS_PTRACE]}}}]\n"
	resp := v.Handle(context.Background(), update(t, "ephemeralcontainers", runningPod, doc))
	if !resp.Allowed {
		t.Fatalf("relaxed rules still deny: %s", resp.Result.Message)
	}
	if w := strings.Join(resp.Warnings, "\n"); !strings.Contains(w, engine.WaiverDebug) || !strings.Contains(w, "[pss/runAsUser]") {
		t.Fatalf("waived findings not shown: %v", resp.Warnings)
	}
	// The same settings on an app container are still denied.
	app := strings.Replace(runningPod, "image: nginx:1.27.3", "image: nginx:1.27.3\n    securityContext: {runAsUser: 0}", 1)
	app = strings.Replace(app, "    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n", "", 1)
	if resp := v.Handle(context.Background(), request(t, admissionv1.Create, "shop", app)); resp.Allowed {
		t.Fatal("the debug allowance relaxed an app container")
	}
}

func mustJSON(t *testing.T, doc string) string {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// patchOps are the operations of the patch resp sends the API server.
func patchOps(t testing.TB, resp admission.Response) []gomodulesjsonpatch.Operation {
	t.Helper()
	if err := resp.Complete(admission.Request{}); err != nil {
		t.Fatal(err)
	}
	if len(resp.Patch) == 0 {
		return nil
	}
	if resp.PatchType == nil || *resp.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Fatalf("a patch of type %v", resp.PatchType)
	}
	var ops []gomodulesjsonpatch.Operation
	if err := json.Unmarshal(resp.Patch, &ops); err != nil {
		t.Fatalf("the patch is not a JSON patch: %v\n%s", err, resp.Patch)
	}
	return ops
}

func applyPatch(t testing.TB, raw []byte, ops any) string {
	t.Helper()
	pj, _ := json.Marshal(ops)
	p, err := jsonpatch.DecodePatch(pj)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Apply(raw)
	if err != nil {
		t.Fatalf("the patch does not apply: %v", err)
	}
	return string(out)
}

// Finding 2: changing the sidecar's image on a running Pod is denied.
func TestPodUpdateOfTheSidecarIsJudged(t *testing.T) {
	m, v := handlersWithPolicy(t, `spec: {mesh: {mode: istio}}`)
	create := request(t, admissionv1.Create, "shop", runningPod)
	resp := m.Handle(context.Background(), create)
	if !resp.Allowed || len(patchOps(t, resp)) == 0 {
		t.Fatalf("not injected: %+v", resp.Result)
	}
	stored := applyPatch(t, create.Object.Raw, patchOps(t, resp))
	if !strings.Contains(stored, "docker.io/istio/proxyv2:1.28.1") {
		t.Fatalf("no sidecar: %s", stored)
	}
	if r := v.Handle(context.Background(), update(t, "", stored, stored)); !r.Allowed {
		t.Fatalf("the injected pod is denied: %s", r.Result.Message)
	}
	swapped := strings.Replace(stored, "docker.io/istio/proxyv2:1.28.1", "registry.example.com/not-the-proxy:1.0", 1)
	r := v.Handle(context.Background(), update(t, "", stored, swapped))
	if r.Allowed || !strings.Contains(r.Result.Message, "[mesh-sidecar] spec.initContainers") {
		t.Fatalf("a swapped sidecar image was admitted: allowed=%v %s", r.Allowed, r.Result.Message)
	}
}
