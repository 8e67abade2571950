package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
)

// routedIngress is an Ingress of namespace ns routing host to a Service web,
// made at made.
func routedIngress(ns, name, host string, made time.Time) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, CreationTimestamp: metav1.NewTime(made)},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}}}
}

// The background audit judges the objects pave's rules judge, not only the
// workloads: what was made before pave, or while a rule only warned, shows
// in the namespace's report. Two teams' Ingresses of one host flag the one
// made later, which took the host; pave's own objects, and those of a
// namespace pave does not govern, are not judged.
func TestBackgroundAuditJudgesObjects(t *testing.T) {
	team := func(name string) *corev1.Namespace {
		return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"pave.dev/team": name, "pave.dev/zone": "public"}}}
	}
	web := corev1.ServicePort{Port: 80}
	objs := []client.Object{team("shop"), team("blog"), team("kube-system"),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "claims-ips", Namespace: "shop"},
			Spec: corev1.ServiceSpec{ExternalIPs: []string{"203.0.113.7"}, Ports: []corev1.ServicePort{web}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{web}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "paves", Namespace: "shop", Labels: map[string]string{"app.kubernetes.io/managed-by": "pave"}},
			Spec: corev1.ServiceSpec{ExternalIPs: []string{"203.0.113.8"}, Ports: []corev1.ServicePort{web}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "system", Namespace: "kube-system"},
			Spec: corev1.ServiceSpec{ExternalIPs: []string{"203.0.113.9"}, Ports: []corev1.ServicePort{web}}},
		routedIngress("blog", "blog", "blog.example.com", t0),
		routedIngress("shop", "takes-blog", "blog.example.com", t0.Add(time.Hour)),
		routedIngress("shop", "shop", "shop.example.com", t0),
		// Of a namespace that went while the scan ran (or that the cache
		// has not seen yet): the next scan judges it.
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "orphan", Namespace: "gone"},
			Spec: corev1.ServiceSpec{ExternalIPs: []string{"203.0.113.10"}, Ports: []corev1.ServicePort{web}}},
	}
	c := fakeClient(t, objs...)
	eng, err := companions.Engine(loadPolicy(t, "spec: {audit: {maxResults: 1000}}"))
	if err != nil {
		t.Fatal(err)
	}
	s := &Scanner{API: c, Store: Store{Reader: c, Writer: c}, Engine: func() *engine.Engine { return eng }, Skip: []string{"kube-system"},
		Env: environment.Builder{Source: environment.Cluster{Reader: c}, Now: func() time.Time { return t0 }}, Served: served,
		Now: func() time.Time { return t0 }, Log: log.Log}
	if _, err := s.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	found := map[string]map[string]string{} // kind/name -> rule -> outcome
	for _, ns := range []string{"shop", "blog"} {
		for _, r := range openReport(t, c, ns).Results {
			if r.Category != CategoryBackground {
				continue
			}
			subject := r.Subjects[0].Kind + "/" + r.Subjects[0].Name
			if found[subject] == nil {
				found[subject] = map[string]string{}
			}
			found[subject][r.Rule] = string(r.Result)
		}
	}
	for subject, want := range map[string]string{"Service/claims-ips": "service-external-ips", "Ingress/takes-blog": "ingress-host"} {
		if got := found[subject][want]; got != "fail" {
			t.Errorf("%s: %s is %q, want fail; the results: %v", subject, want, got, found[subject])
		}
	}
	for _, subject := range []string{"Service/web", "Ingress/blog", "Ingress/shop"} {
		if got := found[subject]; len(got) != 1 || got[""] != "pass" {
			t.Errorf("%s: %v, want one pass", subject, got)
		}
	}
	for _, subject := range []string{"Service/paves", "Service/system"} {
		if got, ok := found[subject]; ok {
			t.Errorf("%s is judged: %v", subject, got)
		}
	}
	var system openreportsv1alpha1.Report
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "kube-system", Name: ReportName}, &system); !apierrors.IsNotFound(err) {
		t.Errorf("a report in kube-system, which pave does not govern: %v", err)
	}
}

// refusingAPI refuses to list one kind, as the API server does a grant an
// older install lacks, or a CRD whose conversion webhook is down.
type refusingAPI struct {
	client.Client
	kind string
}

func (r refusingAPI) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if list.GetObjectKind().GroupVersionKind().Kind == r.kind+"List" {
		return apierrors.NewForbidden(schema.GroupResource{Resource: strings.ToLower(r.kind) + "s"}, "", errors.New("no grant"))
	}
	return r.Client.List(ctx, list, opts...)
}

// A kind the scan cannot list keeps its last results, and does not keep the
// others from being judged; while a kind of routes is unread, what names a
// host keeps its last results too, since the hosts it is judged against are
// not all known. The scan says what it could not read.
func TestBackgroundAuditKeepsWhatItCannotList(t *testing.T) {
	web := corev1.ServicePort{Port: 80}
	claims := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "claims-ips", Namespace: "shop"},
		Spec: corev1.ServiceSpec{ExternalIPs: []string{"203.0.113.7"}, Ports: []corev1.ServicePort{web}}}
	publishes := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "publishes", Namespace: "shop",
		Annotations: map[string]string{"external-dns.alpha.kubernetes.io/hostname": "shop.example.com"}}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{web}}}
	c := fakeClient(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"pave.dev/team": "shop"}}},
		claims, publishes, routedIngress("shop", "shop", "shop.example.com", t0))
	eng, err := companions.Engine(loadPolicy(t, "spec: {audit: {maxResults: 1000}}"))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	scan := func(api client.Client, now time.Time) error {
		s := &Scanner{API: api, Store: Store{Reader: c, Writer: c}, Engine: func() *engine.Engine { return eng },
			Env: environment.Builder{Source: environment.Cluster{Reader: c}, Now: func() time.Time { return now }}, Served: served,
			Now: func() time.Time { return now }, Metrics: m, Log: log.Log}
		_, err := s.Scan(context.Background())
		return err
	}
	if err := scan(c, t0); err != nil {
		t.Fatal(err)
	}
	claims.Spec.ExternalIPs = nil // fixed: the next scan passes it
	if err := c.Update(context.Background(), claims); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(time.Hour)
	err = scan(refusingAPI{Client: c, kind: "Ingress"}, t1)
	if err == nil || !strings.Contains(err.Error(), "Ingress") {
		t.Errorf("the scan's error %v, want it to name the Ingresses it could not list", err)
	}
	seen := map[string]time.Time{}
	for _, r := range openReport(t, c, "shop").Results {
		if r.Category == CategoryBackground {
			seen[r.Subjects[0].Kind+"/"+r.Subjects[0].Name+" "+string(r.Result)] = time.Unix(r.Timestamp.Seconds, 0).UTC()
		}
	}
	for subject, when := range map[string]time.Time{
		"Service/claims-ips pass": t1, // judged again
		"Ingress/shop warn":       t0, // not listed: its last result (ingress-reachable)
		"Service/publishes pass":  t0, // names a host: not judged against an index without the Ingresses
	} {
		if got, ok := seen[subject]; !ok || !got.Equal(when) {
			t.Errorf("%s: seen %v (%v), want at %v; the report: %v", subject, got, ok, when, seen)
		}
	}
	if _, ok := seen["Service/claims-ips fail"]; ok {
		t.Errorf("the fixed Service keeps its failure: %v", seen)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader("# HELP pave_audit_background_unread_kinds Kinds the last background audit could not list: their results in the reports are those of an earlier scan.\n# TYPE pave_audit_background_unread_kinds gauge\npave_audit_background_unread_kinds 1\n"),
		"pave_audit_background_unread_kinds"); err != nil {
		t.Error(err)
	}
}
