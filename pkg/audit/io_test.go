package audit

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/log"

	policyreportv1alpha2 "github.com/kyverno/kyverno/api/policyreport/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
)

func fakeClient(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	return fakeClientWith(t, interceptor.Funcs{}, objs...)
}

// fakeClientWith is fakeClient whose calls go through funcs first.
func fakeClientWith(t *testing.T, funcs interceptor.Funcs, objs ...client.Object) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme, openreportsv1alpha1.AddToScheme, policyreportv1alpha2.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	return fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).WithInterceptorFuncs(funcs).Build()
}

func loadPolicy(t *testing.T, spec string) *policy.Policy {
	t.Helper()
	p, _, err := policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\n"+spec+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func openReport(t *testing.T, c client.Client, ns string) *openreportsv1alpha1.Report {
	t.Helper()
	var rep openreportsv1alpha1.Report
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: ReportName}, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func served(string) bool { return true }

// The recorder logs every record as one JSON line, tells it as an event on
// the object without the user (so repeats fold into one), and hands the
// findings to the writer; two replicas' flushes add up in one report.
func TestRecordersAndWritersShareOneReport(t *testing.T) {
	c := fakeClient(t)
	var logs [2]strings.Builder
	events := record.NewFakeRecorder(10)
	p := builtIn
	for i := range 2 {
		r := NewRecorder(RecorderOptions{Queue: 10, Pending: 100, Log: &logs[i], Events: events})
		for j := range 3 {
			r.Decide(p, Request{Time: t0.Add(time.Duration(i*3+j) * time.Second), User: fmt.Sprintf("user-%d", i), Operation: "CREATE", APIVersion: "apps/v1",
				Kind: "Deployment", Namespace: "shop", Name: "api"}, []policy.Violation{violation("registry", v1alpha1.ModeEnforce)})
		}
		r.handle(nil, <-r.queue) // what the worker does, without the log
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := r.Start(ctx); err != nil { // drains what is queued, then stops
			t.Fatal(err)
		}
		w := &Writer{Store: Store{Reader: c, Writer: c}, Drain: r.Drain, Policy: func() *policy.Policy { return p }, Served: served, Log: log.Log}
		w.Flush(context.Background())
	}
	if n := strings.Count(logs[0].String(), "\n"); n != 2 || !strings.Contains(logs[0].String(), `"schema":"pave.dev/audit/v1"`) || !strings.Contains(logs[0].String(), `"user":"user-0"`) {
		t.Errorf("replica 0 logged %d lines:\n%s", n, logs[0].String())
	}
	e := <-events.Events
	if e != "Warning PolicyDenied pave denied CREATE: [registry] spec.template.spec.containers[0].image: registry is broken. Fix: fix registry" {
		t.Errorf("event %q", e)
	}
	rep := openReport(t, c, "shop")
	if len(rep.Results) != 1 || rep.Results[0].Properties[PropCount] != "6" || rep.Results[0].Properties[PropLastUser] != "user-1" || rep.Summary.Fail != 1 {
		t.Errorf("report %+v", rep.Results)
	}
}

// A full queue drops and counts; Decide never waits.
func TestFullQueueDrops(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, _ := metrics.New(reg)
	r := NewRecorder(RecorderOptions{Queue: 1, Pending: 10, Metrics: m})
	for range 5 {
		r.Decide(builtIn, Request{Time: t0, Kind: "Deployment", Namespace: "shop", Name: "api"}, []policy.Violation{violation("registry", v1alpha1.ModeEnforce)})
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP pave_audit_dropped_total Decision records dropped to keep admission unblocked and memory bounded, by stage: queue (the record), report (its findings, from the namespace reports).
# TYPE pave_audit_dropped_total counter
pave_audit_dropped_total{stage="queue"} 4
`), "pave_audit_dropped_total"); err != nil {
		t.Error(err)
	}
}

// The background audit: a policy that no longer allows a running workload's
// registry flags it (the other passes) in the namespace's report, beside the
// admission results; a second scan with nothing changed writes nothing; a
// workload that is gone leaves the report; pave's report of the format the
// policy left is deleted.
func TestBackgroundAudit(t *testing.T) {
	deployment := func(name, image string) *appsv1.Deployment {
		labels := map[string]string{"app.kubernetes.io/name": name, "pave.dev/team": "shop"}
		probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(8080)}}}
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop", Labels: labels}, Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: name, Image: image, ReadinessProbe: probe, Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}}}
	}
	admission := Result{Key: Key{Category: CategoryAdmission, Rule: "probes", Kind: "Deployment", Name: "web"}, Outcome: policy.OutcomeWarn, Count: 4, FirstSeen: t0, LastSeen: t0}
	old := PolicyReport("shop", nil)
	c := fakeClient(t, deployment("api", "registry.example.com/shop/api:1.0"), deployment("legacy", "docker.io/library/nginx:1.27"),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, OpenReport("shop", []Result{admission}), old)
	p := loadPolicy(t, "spec: {images: {allowedRegistries: [registry.example.com]}}")
	eng, err := companions.Engine(p)
	if err != nil {
		t.Fatal(err)
	}
	s := &Scanner{API: c, Store: Store{Reader: c, Writer: c}, Engine: func() *engine.Engine { return eng },
		Env: environment.Builder{Source: environment.Cluster{Reader: c}, Now: func() time.Time { return t0 }}, Served: served,
		Now: func() time.Time { return t0 }, Log: log.Log}
	if n, err := s.Scan(context.Background()); err != nil || n != 2 {
		t.Fatalf("scanned %d: %v", n, err)
	}
	rep := openReport(t, c, "shop")
	got := map[string]string{}
	for _, r := range rep.Results {
		got[r.Category+"/"+r.Subjects[0].Name+"/"+r.Rule] = string(r.Result)
	}
	if got["background/legacy/image-registry"] != "fail" || got["background/api/"] != "pass" || got["admission/web/probes"] != "warn" {
		t.Errorf("results %v", got)
	}
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(old), &policyreportv1alpha2.PolicyReport{}); err == nil {
		t.Error("the PolicyReport of the format the policy left is still there")
	}

	version := rep.ResourceVersion
	if _, err := s.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := openReport(t, c, "shop").ResourceVersion; v != version {
		t.Errorf("a scan that found nothing new wrote the report (%s -> %s)", version, v)
	}

	if err := c.Delete(context.Background(), deployment("legacy", "")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range openReport(t, c, "shop").Results {
		if r.Subjects[0].Name == "legacy" {
			t.Errorf("a deleted workload stays in the report: %+v", r)
		}
	}
}
