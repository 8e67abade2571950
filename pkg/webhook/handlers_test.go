package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func handlers(t testing.TB, objs ...runtime.Object) (*webhook.Mutate, *webhook.Validate) {
	t.Helper()
	return handlersWithPolicy(t, "", objs...)
}

// handlersWithPolicy serves a PlatformPolicy given by its spec line (e.g.
// "spec: {mesh: {mode: istio}}"); "" is the built-in policy.
func handlersWithPolicy(t testing.TB, spec string, objs ...runtime.Object) (*webhook.Mutate, *webhook.Validate) {
	t.Helper()
	pol := policy.Default()
	if spec != "" {
		var err error
		if pol, _, err = policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\n"+spec+"\n")); err != nil {
			t.Fatal(err)
		}
	}
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"pave.dev/team": "shop"}}})
	reader := fake.NewClientBuilder().WithScheme(scheme).WithRuntimeObjects(objs...).Build()
	eng, err := companions.Engine(pol)
	if err != nil {
		t.Fatal(err)
	}
	engines := &webhook.Engines{}
	engines.Store(eng)
	c := webhook.Common{Engines: engines, Env: environment.Builder{Source: environment.Cluster{Reader: reader}, Now: func() time.Time { return now }},
		Deadline: time.Second, Ungoverned: []string{"pave-system", "cert-manager"}, Decoder: workload.NewDecoder()}
	return &webhook.Mutate{Common: c}, &webhook.Validate{Common: c, Log: log.Log}
}

func request(t *testing.T, op admissionv1.Operation, ns, doc string) admission.Request {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var tm metav1.TypeMeta
	_ = json.Unmarshal(raw, &tm)
	group, version := "", tm.APIVersion
	if i := strings.Index(tm.APIVersion, "/"); i >= 0 {
		group, version = tm.APIVersion[:i], tm.APIVersion[i+1:]
	}
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID: "1", Operation: op, Namespace: ns,
		Kind:     metav1.GroupVersionKind{Group: group, Version: version, Kind: tm.Kind},
		Object:   runtime.RawExtension{Raw: raw},
		UserInfo: authnv1.UserInfo{Username: "alice"},
	}}
}

const plain = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  futureField: keep-me
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27.3"}]
`

func TestMutateAnswersWithAPatchThatKeepsUnknownFields(t *testing.T) {
	m, _ := handlers(t)
	req := request(t, admissionv1.Create, "shop", plain)
	resp := m.Handle(context.Background(), req)
	if !resp.Allowed || len(patchOps(t, resp)) == 0 {
		t.Fatalf("allowed=%v patches=%d: %+v", resp.Allowed, len(patchOps(t, resp)), resp.Result)
	}
	pj, _ := json.Marshal(patchOps(t, resp))
	p, err := jsonpatch.DecodePatch(pj)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Apply(req.Object.Raw)
	if err != nil {
		t.Fatalf("the patch does not apply to the request's object: %v", err)
	}
	for _, want := range []string{`"futureField":"keep-me"`, `"runAsNonRoot":true`, `"pave.dev/team":"shop"`, `"automountServiceAccountToken":false`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("patched object lacks %s: %s", want, out)
		}
	}
	// Admitting the patched object again changes nothing (reinvocation).
	again := m.Handle(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID: "2", Operation: admissionv1.Create, Namespace: "shop", Kind: req.Kind, Object: runtime.RawExtension{Raw: out}}})
	if !again.Allowed || len(patchOps(t, again)) != 0 {
		t.Fatalf("second admission patched again: %v", patchOps(t, again))
	}
}

func TestValidateDeniesWithRuleFieldAndFix(t *testing.T) {
	_, v := handlers(t)
	hostile := strings.Replace(strings.Replace(plain, "nginx:1.27.3", "nginx:latest", 1),
		`image: "nginx:latest"}]`, `image: "nginx:latest", securityContext: {privileged: true}}]`, 1)
	resp := v.Handle(context.Background(), request(t, admissionv1.Create, "shop", hostile))
	if resp.Allowed {
		t.Fatal("admitted a privileged :latest Deployment")
	}
	msg := resp.Result.Message
	for _, want := range []string{"pave denied Deployment shop/web", "[image-pinned] spec.template.spec.containers[0].image", "[pss/privileged]", "Fix: "} {
		if !strings.Contains(msg, want) {
			t.Errorf("denial lacks %q:\n%s", want, msg)
		}
	}
	if resp.Result.Code != http.StatusForbidden {
		t.Errorf("code %d, want 403", resp.Result.Code)
	}
}

func TestValidateWarnsAndHonoursExceptions(t *testing.T) {
	ex := &v1alpha1.PolicyException{
		ObjectMeta: metav1.ObjectMeta{Name: "legacy", Namespace: "pave-system"},
		Spec: v1alpha1.PolicyExceptionSpec{Rules: []string{"image-pinned"}, Match: v1alpha1.ExceptionMatch{Namespaces: []string{"shop"}, Names: []string{"web"}},
			Reason: "vendor image without tags", ApprovedBy: "sec", ExpiresAt: metav1.NewTime(now.Add(time.Hour))},
	}
	_, v := handlers(t, ex)
	mutated := strings.Replace(plain, `containers: [{name: web, image: "nginx:1.27.3"}]`, `automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers: [{name: web, image: "nginx:latest", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]`, 1)
	resp := v.Handle(context.Background(), request(t, admissionv1.Create, "shop", mutated))
	if !resp.Allowed {
		t.Fatalf("denied despite the exception: %s", resp.Result.Message)
	}
	if len(resp.Warnings) == 0 || !strings.Contains(strings.Join(resp.Warnings, "\n"), "pave [readiness-probe]") {
		t.Fatalf("no readiness warning: %v", resp.Warnings)
	}
}

// A server-side dry run names the companions pave's controller would
// create, and none of a kind the cluster does not serve: the controller
// leaves those out.
func TestDryRunNamesTheCompanionsTheClusterServes(t *testing.T) {
	dryRun := func(v *webhook.Validate) string {
		req := request(t, admissionv1.Create, "shop", strings.Replace(plain, `containers: [{name: web, image: "nginx:1.27.3"}]`, `automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers: [{name: web, image: "nginx:1.27.3", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]`, 1))
		yes := true
		req.DryRun = &yes
		resp := v.Handle(context.Background(), req)
		if !resp.Allowed {
			t.Fatalf("denied: %s", resp.Result.Message)
		}
		return strings.Join(resp.Warnings, "\n")
	}
	_, v := handlers(t)
	all := dryRun(v)
	for _, want := range []string{"pave would write LimitRange shop/pave-tier", "pave would write PrometheusRule shop/pave-cost"} {
		if !strings.Contains(all, want) {
			t.Errorf("dry run lacks %q:\n%s", want, all)
		}
	}
	v.Env.Unserved = []schema.GroupVersionKind{{Group: "monitoring.coreos.com", Version: "v1", Kind: "PrometheusRule"}}
	served := dryRun(v)
	if strings.Contains(served, "PrometheusRule") || !strings.Contains(served, "pave would write LimitRange shop/pave-tier") {
		t.Errorf("dry run without the prometheus-operator:\n%s", served)
	}
}

func TestHandlersLetThroughWhatIsNotTheirs(t *testing.T) {
	m, v := handlers(t)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c, image: 'nginx:latest'}]}\n"
	svc := "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec: {ports: [{port: 80}]}\n"
	cases := []struct {
		name string
		req  admission.Request
	}{
		{"pod status", func() admission.Request {
			r := request(t, admissionv1.Update, "shop", pod)
			r.SubResource = "status"
			return r
		}()},
		{"pave's own namespace", request(t, admissionv1.Create, "pave-system", pod)},
		{"an excluded namespace", request(t, admissionv1.Create, "cert-manager", pod)},
		{"not a workload", request(t, admissionv1.Create, "shop", svc)},
		{"delete", request(t, admissionv1.Delete, "shop", pod)},
	}
	for _, c := range cases {
		for name, h := range map[string]admission.Handler{"mutate": m, "validate": v} {
			resp := h.Handle(context.Background(), c.req)
			if !resp.Allowed || len(patchOps(t, resp)) > 0 {
				t.Errorf("%s / %s: allowed=%v patches=%d", c.name, name, resp.Allowed, len(patchOps(t, resp)))
			}
		}
	}
}

func TestNotReadyIsAClearError(t *testing.T) {
	m := &webhook.Mutate{Common: webhook.Common{Engines: &webhook.Engines{}, Deadline: time.Second}}
	resp := m.Handle(context.Background(), request(t, admissionv1.Create, "shop", plain))
	if resp.Allowed || resp.Result.Code != http.StatusServiceUnavailable || !strings.Contains(resp.Result.Message, "has not loaded its policy") {
		t.Fatalf("%+v", resp.Result)
	}
}

// A kind without a pod template that the engine judges goes through the
// same outcomes: a Service claiming external IPs is denied with rule, field
// and fix; a plain one passes; the mutating webhook leaves both alone.
func TestObjectRulesJudgeServices(t *testing.T) {
	m, v := handlers(t)
	plainSvc := "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec: {ports: [{port: 80}]}\n"
	claim := strings.Replace(plainSvc, "spec: {", "spec: {externalIPs: [8.8.8.8], ", 1)
	resp := v.Handle(context.Background(), request(t, admissionv1.Create, "shop", claim))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "[service-external-ips] spec.externalIPs") || !strings.Contains(resp.Result.Message, "Fix: ") {
		t.Fatalf("allowed=%v %+v", resp.Allowed, resp.Result)
	}
	if resp := v.Handle(context.Background(), request(t, admissionv1.Create, "shop", plainSvc)); !resp.Allowed {
		t.Fatalf("a plain Service was denied: %s", resp.Result.Message)
	}
	// An update that keeps what the Service already had passes with a warning.
	if resp := v.Handle(context.Background(), update(t, "", claim, strings.Replace(claim, "name: s,", "name: s, labels: {a: b},", 1))); !resp.Allowed || len(resp.Warnings) == 0 {
		t.Fatalf("an update that adds no finding: allowed=%v warnings=%v", resp.Allowed, resp.Warnings)
	}
	if resp := m.Handle(context.Background(), request(t, admissionv1.Create, "shop", claim)); !resp.Allowed || len(patchOps(t, resp)) > 0 {
		t.Fatalf("mutate touched a Service: %+v", resp)
	}
}
