package controller

import (
	"context"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// A governed namespace gets its own objects, controlled by the Namespace
// (also the backup Schedule in Velero's namespace); a skipped namespace gets
// none; a policy that no longer wants one deletes it, and only it.
func TestNamespaceObjectsFollowThePolicy(t *testing.T) {
	g := newRig(t, "spec: {mesh: {mode: istio}}",
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-system", UID: "uid-kube-system"}})
	ns := &corev1.Namespace{}
	if err := g.c.Get(context.Background(), types.NamespacedName{Name: "shop"}, ns); err != nil {
		t.Fatal(err)
	}
	r := &Namespaces{Client: g.c, Engines: g.engines, Env: g.r.Env, Recorder: g.events, Log: log.Log,
		Managed: g.engines.Load().NamespaceKinds(), Skip: []string{"kube-system"}}
	run := func(name string) {
		t.Helper()
		if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: name}}); err != nil {
			t.Fatalf("reconcile %s: %v", name, err)
		}
	}
	run("shop")
	run("kube-system")

	objects := []struct{ namespace, apiVersion, kind, name string }{
		{"shop", "security.istio.io/v1", "PeerAuthentication", "pave-mtls"},
		{"shop", "networking.k8s.io/v1", "NetworkPolicy", "pave-zone"},
		{"shop", "v1", "ResourceQuota", "pave-tier"},
		{"shop", "v1", "LimitRange", "pave-tier"},
		{"shop", "monitoring.coreos.com/v1", "PrometheusRule", "pave-cost"},
		{"velero", "velero.io/v1", "Schedule", "pave-shop"},
	}
	for _, o := range objects {
		u := g.getIn(o.namespace, o.apiVersion, o.kind, o.name)
		if u == nil {
			t.Errorf("%s %s/%s was not applied", o.kind, o.namespace, o.name)
			continue
		}
		if ref := metav1.GetControllerOf(u); ref == nil || ref.Kind != "Namespace" || ref.Name != "shop" || ref.UID != ns.UID {
			t.Errorf("%s %s/%s: controller %+v, want the Namespace shop", o.kind, o.namespace, o.name, ref)
		}
		if g.getIn("kube-system", o.apiVersion, o.kind, o.name) != nil {
			t.Errorf("%s %s in kube-system, which pave skips", o.kind, o.name)
		}
	}
	g.drain()

	g.setPolicy("spec: {mesh: {mode: \"off\"}}")
	run("shop")
	for _, o := range objects {
		gone := o.kind == "PeerAuthentication"
		if got := g.getIn(o.namespace, o.apiVersion, o.kind, o.name); (got == nil) != gone {
			t.Errorf("%s %s/%s: present=%v after the mesh was turned off", o.kind, o.namespace, o.name, got != nil)
		}
	}
	if events := g.drain(); !slices.Contains(events, "Normal CompanionDeleted PeerAuthentication pave-mtls is no longer wanted") {
		t.Errorf("events %q lack the PeerAuthentication's deletion", events)
	}
}

// A namespace labelled with a tier the policy does not name gets the
// default tier's quota, and a warning on the Namespace that says so; a
// known tier gets none.
func TestUnknownTierIsReportedOnTheNamespace(t *testing.T) {
	g := newRig(t, "spec: {}",
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "typo", UID: "uid-typo", Labels: map[string]string{"pave.dev/tier": "lage"}}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "known", UID: "uid-known", Labels: map[string]string{"pave.dev/tier": "large"}}})
	r := &Namespaces{Client: g.c, Engines: g.engines, Env: g.r.Env, Recorder: g.events, Log: log.Log, Managed: g.engines.Load().NamespaceKinds()}
	for _, name := range []string{"known", "typo"} {
		if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: name}}); err != nil {
			t.Fatalf("reconcile %s: %v", name, err)
		}
	}
	want := `Warning UnknownTier label pave.dev/tier=lage names no tier of the policy (small, medium, large), so the namespace gets the default tier "medium": label it with one of them, or add the tier to the policy's spec.tiers.tiers`
	if events := g.drain(); !slices.Equal(events, []string{want}) {
		t.Errorf("events %q, want only %q", events, want)
	}
	if q := g.getIn("typo", "v1", "ResourceQuota", "pave-tier"); q == nil || q.GetLabels()["pave.dev/tier"] != "medium" {
		t.Errorf("the quota of namespace typo: %v, want the default tier medium's", q)
	}
}
