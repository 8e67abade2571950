package preflight_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func validating(name string, fail admissionregistrationv1.FailurePolicyType, sel *metav1.LabelSelector) admissionregistrationv1.ValidatingWebhookConfiguration {
	return admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: name + ".example.com", FailurePolicy: &fail, NamespaceSelector: sel}}}
}

// A fail-closed webhook on a namespace the cluster heals from is a lock-out
// waiting for its server's first outage; one that excludes them, or fails
// open, is not. Namespaces the cluster lacks do not count.
func TestLockout(t *testing.T) {
	notIn := func(ns ...string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: ns}}}
	}
	c := preflight.Cluster{
		Namespaces: map[string]map[string]string{"kube-system": nil, "pave-system": nil, "cert-manager": nil, "shop": nil},
		Install:    v1alpha1.Install{PaveNamespace: "pave-system"}, WebhookConfig: "pave",
		ValidatingWebhooks: []admissionregistrationv1.ValidatingWebhookConfiguration{
			validating("everything", admissionregistrationv1.Fail, nil),
			validating("careful", admissionregistrationv1.Fail, notIn("kube-system", "kube-public", "kube-node-lease", "pave-system", "cert-manager")),
			validating("open", admissionregistrationv1.Ignore, nil),
			validating("pave", admissionregistrationv1.Fail, notIn("kube-system", "kube-public", "kube-node-lease", "pave-system")),
		},
	}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var lockouts []string
	for _, f := range found {
		if f.Check == "webhook-lockout" {
			lockouts = append(lockouts, f.Subject+": "+f.Message)
		}
	}
	if len(lockouts) != 2 || !strings.Contains(lockouts[0], "everything") || !strings.Contains(lockouts[0], "cert-manager, kube-system, pave-system") ||
		!strings.Contains(lockouts[1], "webhook pave.example.com") || !strings.Contains(lockouts[1], "matches cert-manager:") {
		t.Fatalf("lock-outs %q, want the catch-all and pave's own on cert-manager", lockouts)
	}
	if !preflight.Failed(found) {
		t.Error("a lock-out does not fail the preflight")
	}
}

// The workloads already running are judged under the policy: what it would
// deny is reported, in governed namespaces only (not the control plane's,
// nor those pave's webhooks exclude).
func TestWouldDeny(t *testing.T) {
	const legacy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  selector: {matchLabels: {app: legacy}}
  template: {spec: {containers: [{name: c, image: "nginx:latest", securityContext: {privileged: true}}]}}`
	in := func(ns string) *workload.Workload {
		return workloadtest.FromYAML(t, strings.Replace(legacy, "namespace: shop", "namespace: "+ns, 1))
	}
	bad, system, excluded := in("shop"), in("kube-system"), in("cert-manager")
	service := func(ns, name string, typ corev1.ServiceType) corev1.Service {
		return corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.ServiceSpec{Type: typ}}
	}
	alias := service("shop", "meta", corev1.ServiceTypeExternalName)
	alias.Spec.ExternalName = "metadata.google.internal"
	c := preflight.Cluster{Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}},
		Install:   v1alpha1.Install{PaveNamespace: "pave-system", Excluded: []string{"cert-manager"}},
		Workloads: []*workload.Workload{bad, system, excluded},
		Services: []corev1.Service{service("shop", "edge", corev1.ServiceTypeNodePort), service("shop", "web", corev1.ServiceTypeClusterIP),
			service("kube-system", "dns", corev1.ServiceTypeNodePort), alias},
		Routing: []client.Object{ingress("shop", "storefront", "shop.example.com"), ingress("pay", "steal", "shop.example.com"),
			ingress("shop", "web", "www.example.com"),
			&gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "api"}, Spec: gatewayv1.HTTPRouteSpec{Hostnames: []gatewayv1.Hostname{"shop.example.com"}}}}}
	c.Namespaces["pay"] = map[string]string{"pave.dev/team": "pay"}
	c.Certificates = []cmapi.Certificate{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "pay", Name: "wild"}, Spec: cmapi.CertificateSpec{DNSNames: []string{"*.example.com"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "own"}, Spec: cmapi.CertificateSpec{DNSNames: []string{"www.example.com"}}},
	}
	unstructuredOf := func(apiVersion, kind, ns, name string, spec map[string]any) unstructured.Unstructured {
		return unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"namespace": ns, "name": name}, "spec": spec}}
	}
	c.Judged = []unstructured.Unstructured{
		unstructuredOf("networking.istio.io/v1beta1", "VirtualService", "pay", "steal", map[string]any{"hosts": []any{"web.shop.svc.cluster.local"}}),
		unstructuredOf("networking.istio.io/v1", "VirtualService", "shop", "own", map[string]any{"hosts": []any{"web"}}),
		unstructuredOf("networking.istio.io/v1", "ServiceEntry", "shop", "stripe", map[string]any{"hosts": []any{"api.stripe.com"}, "exportTo": []any{"."}}),
		// The built-in policy's mesh is off: no zone takes only mutual TLS.
		unstructuredOf("security.istio.io/v1", "PeerAuthentication", "shop", "plain", map[string]any{"mtls": map[string]any{"mode": "DISABLE"}}),
		// Two teams' routes of one host on an ingress gateway.
		unstructuredOf("networking.istio.io/v1", "VirtualService", "shop", "public", map[string]any{"hosts": []any{"shop.example.com"}, "gateways": []any{"istio-system/public"}}),
		unstructuredOf("networking.istio.io/v1", "VirtualService", "pay", "gateway", map[string]any{"hosts": []any{"shop.example.com"}, "gateways": []any{"istio-system/public"}}),
		// A team's PodMonitor that keeps its pods' own labels; pave's own
		// SLO rules, which record pave's series, are not named.
		unstructuredOf("monitoring.coreos.com/v1", "PodMonitor", "pay", "spoof", map[string]any{"podMetricsEndpoints": []any{map[string]any{"port": "metrics", "honorLabels": true}}}),
		func() unstructured.Unstructured {
			u := unstructuredOf("monitoring.coreos.com/v1", "PrometheusRule", "shop", "pave-web-slo", map[string]any{"groups": []any{map[string]any{"name": "g",
				"rules": []any{map[string]any{"record": "pave_slo:sli_error:ratio_rate5m", "expr": "vector(1)"}}}}})
			u.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "pave"})
			return u
		}(),
	}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var deny []preflight.Finding
	for _, f := range found {
		if f.Check == "policy-would-deny" {
			deny = append(deny, f)
		}
	}
	if len(deny) != 10 || deny[0].Subject != "Deployment shop/legacy" || !strings.Contains(deny[0].Message, "image-pinned") || !strings.Contains(deny[0].Message, "pss/privileged") {
		t.Fatalf("would-deny findings %+v", deny)
	}
	// A workload's new pods are judged as they are created: its controller
	// can no longer scale it or replace a pod, which a Service never needs.
	if w := deny[0]; w.Severity != "high" || !strings.Contains(w.Message, "each new one is denied: it cannot scale, roll out or replace a pod lost with its node") {
		t.Errorf("the workload's finding does not say its new pods are denied: %+v", w)
	}
	if s := deny[1]; s.Severity != "medium" || strings.Contains(s.Message, "new one") {
		t.Errorf("the Service's finding speaks of pods: %+v", s)
	}
	if deny[1].Subject != "Service shop/edge" || !strings.Contains(deny[1].Message, "service-exposure (spec.type)") || !strings.Contains(deny[1].Fix, "kubectl get service -n shop edge") {
		t.Errorf("the NodePort Service's finding %+v", deny[1])
	}
	if deny[2].Subject != "Service shop/meta" || !strings.Contains(deny[2].Message, "service-external-name (spec.externalName)") {
		t.Errorf("the alias's finding %+v", deny[2])
	}
	// Two teams route one host today: both are named; a host of one team's is
	// not, nor a route of the host, which is a Gateway's, not the ingress
	// controller's.
	for i, subject := range []string{"Ingress shop/storefront", "Ingress pay/steal"} {
		if deny[3+i].Subject != subject || !strings.Contains(deny[3+i].Message, "ingress-host (spec.rules[0].host)") {
			t.Errorf("finding %d: %+v, want %s", 3+i, deny[3+i], subject)
		}
	}
	// A wildcard certificate over hosts another team routes; the team's own
	// host's is not named.
	if deny[5].Subject != "Certificate pay/wild" || !strings.Contains(deny[5].Message, "certificate-host (spec.dnsNames[0])") {
		t.Errorf("the Certificate's finding %+v", deny[5])
	}
	// A VirtualService, in an older version, that routes another team's
	// Service for every namespace; the team's own routes are not named.
	if deny[6].Subject != "VirtualService pay/steal" || !strings.Contains(deny[6].Message, "mesh-routes (spec.hosts[0])") {
		t.Errorf("the VirtualService's finding %+v", deny[6])
	}
	// Two teams' VirtualServices of one host on a gateway: both named, and
	// neither for the Ingresses of that host, another data plane's.
	for i, subject := range []string{"VirtualService shop/public", "VirtualService pay/gateway"} {
		if deny[7+i].Subject != subject || deny[7+i].Message != "runs today, but the policy denies it: ingress-host (spec.hosts[0]). It keeps running; its next change there is denied" {
			t.Errorf("finding %d: %+v, want %s", 7+i, deny[7+i], subject)
		}
	}
	if deny[9].Subject != "PodMonitor pay/spoof" || !strings.Contains(deny[9].Message, "monitoring-scope (spec.podMetricsEndpoints[0].honorLabels)") {
		t.Errorf("the PodMonitor's finding %+v", deny[9])
	}
}

func ingress(ns, name, host string) *networkingv1.Ingress {
	return &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host}}}}
}

// A running workload of a PriorityClass above its tier's maxPriority is
// named: its template names the class, judged by the class's value.
func TestWouldDenyAboveTheTiersPriority(t *testing.T) {
	p := workloadtest.CappedPriority(t, 1000)
	of := func(name, class string) *workload.Workload {
		return workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: `+name+`, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {priorityClassName: `+class+`, containers: [{name: c, image: "registry.example.com/web:1.0", readinessProbe: {httpGet: {path: /, port: 80}}}]}}`)
	}
	found, err := preflight.Run(context.Background(), p, preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system"},
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}},
		Priorities: []schedulingv1.PriorityClass{{ObjectMeta: metav1.ObjectMeta{Name: "platform-high"}, Value: 1_000_000}, {ObjectMeta: metav1.ObjectMeta{Name: "batch"}, Value: 100}},
		Workloads:  []*workload.Workload{of("high", "platform-high"), of("batch", "batch"), of("unknown", "elsewhere")}})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, f := range found {
		if f.Check == "policy-would-deny" && strings.Contains(f.Message, "priority-class") {
			subjects = append(subjects, f.Subject)
		}
	}
	if len(subjects) != 1 || subjects[0] != "Deployment shop/high" {
		t.Fatalf("priority-class findings on %v, want Deployment shop/high alone", subjects)
	}
}

// Where the policy requires the mesh, a PeerAuthentication that takes
// plaintext there today is named; one in a zone that does not is not.
func TestWouldDenyPlaintextWhereTheMeshIsRequired(t *testing.T) {
	spec := policy.Default().Spec
	spec.Mesh.Mode = v1alpha1.MeshIstio
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	pa := func(ns string) unstructured.Unstructured {
		return unstructured.Unstructured{Object: map[string]any{"apiVersion": "security.istio.io/v1beta1", "kind": "PeerAuthentication",
			"metadata": map[string]any{"namespace": ns, "name": "plain"},
			"spec":     map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}}, "mtls": map[string]any{"mode": "PERMISSIVE"}}}}
	}
	c := preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system"}, Namespaces: map[string]map[string]string{
		"shop": {v1alpha1.LabelZone: "internal"}, "site": {v1alpha1.LabelZone: "public"}},
		Judged: []unstructured.Unstructured{pa("shop"), pa("site")}}
	found, err := preflight.Run(context.Background(), p, c)
	if err != nil {
		t.Fatal(err)
	}
	var deny []string
	for _, f := range found {
		if f.Check == "policy-would-deny" {
			deny = append(deny, f.Subject+": "+f.Message)
		}
	}
	if len(deny) != 1 || !strings.Contains(deny[0], "PeerAuthentication shop/plain") || !strings.Contains(deny[0], "mesh-mtls (spec.mtls.mode)") {
		t.Errorf("would-deny findings %q", deny)
	}
}

// A finding in a workload's pod template denies each new pod its
// controller makes, so the workload cannot scale or replace a pod: rated
// high, and said. One on the workload alone (an SLO annotation its pods do
// not carry) waits for its next change, as an object's does.
func TestWouldDenyNamesWhatStopsNewPods(t *testing.T) {
	template := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  selector: {matchLabels: {app: legacy}}
  template: {spec: {containers: [{name: c, image: "nginx:latest"}]}}`)
	annotation := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: slo, namespace: shop, annotations: {pave.dev/slo-availability: "150"}}
spec:
  selector: {matchLabels: {app: slo}}
  template: {spec: {containers: [{name: c, image: "nginx:1.27.3"}]}}`)
	// A rule that judges the template but not the Pods made from it
	// (label-bound, team-label) holds back the next change alone.
	var many []string
	for i := range 70 {
		many = append(many, fmt.Sprintf("l%d: v", i))
	}
	labelled := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: labelled, namespace: shop}
spec:
  selector: {matchLabels: {app: labelled}}
  template: {metadata: {labels: {app: labelled, pave.dev/team: pay, `+strings.Join(many, ", ")+`}}, spec: {containers: [{name: c, image: "nginx:1.27.3"}]}}`)
	// Over the bound alone: its updates pass while they add no label.
	bound := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: bound, namespace: shop}
spec:
  selector: {matchLabels: {app: bound}}
  template: {metadata: {labels: {app: bound, `+strings.Join(many, ", ")+`}}, spec: {containers: [{name: c, image: "nginx:1.27.3"}]}}`)
	c := preflight.Cluster{Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}},
		Install: v1alpha1.Install{PaveNamespace: "pave-system"}, Workloads: []*workload.Workload{template, annotation, labelled, bound}}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]preflight.Finding{}
	for _, f := range found {
		if f.Check == "policy-would-deny" {
			got[f.Subject] = f
		}
	}
	if f := got["Deployment shop/legacy"]; f.Severity != "high" || !strings.Contains(f.Message, "image-pinned (spec.template.spec.containers[0].image)") ||
		!strings.Contains(f.Message, "each new one is denied") || !strings.HasSuffix(f.Fix, "before its pods need replacing") {
		t.Errorf("the template's finding %+v", f)
	}
	if f := got["Deployment shop/slo"]; f.Severity != "medium" || !strings.Contains(f.Message, "slo-bounds") ||
		!strings.HasSuffix(f.Message, "It keeps running; its next change there is denied") {
		t.Errorf("the annotation's finding %+v", f)
	}
	if f := got["Deployment shop/labelled"]; f.Severity != "medium" ||
		!strings.Contains(f.Message, "label-bound (spec.template.metadata.labels)") || !strings.Contains(f.Message, "team-label (spec.template.metadata.labels[pave.dev/team])") ||
		!strings.HasSuffix(f.Message, "It keeps running; its next change there is denied") {
		t.Errorf("the template-only rules' finding %+v", f)
	}
	if f := got["Deployment shop/bound"]; f.Severity != "medium" || !strings.Contains(f.Message, "label-bound (spec.template.metadata.labels)") ||
		strings.Contains(f.Message, "team-label") || !strings.HasSuffix(f.Message, "It keeps running; an update that adds to what it holds over the bound is denied") {
		t.Errorf("the bound's finding %+v", f)
	}
}
