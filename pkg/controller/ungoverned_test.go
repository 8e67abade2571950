package controller

import (
	"context"
	"fmt"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// A workload in a namespace pave does not govern gets no companions: pave's
// own admission server, which declares its port, would otherwise get a
// zone's NetworkPolicy that keeps the API server from calling it. One an
// earlier pave made there is deleted, with an event.
func TestUngovernedWorkloadsGetNoCompanions(t *testing.T) {
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"))
	g.r.Skip = v1alpha1.Ungoverned("pave-system")
	own := deployment("pave-admission", nil, "")
	own.Namespace, own.UID = "pave-system", "uid-pave-admission"
	yes := true
	stale := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "pave-zone-pave-admission", Namespace: "pave-system",
		Labels:          map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: own.Name, UID: own.UID, Controller: &yes}}}}
	ctx := context.Background()
	for _, o := range []client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "pave-system"}}, own, stale} {
		if err := g.c.Create(ctx, o); err != nil {
			t.Fatalf("create %s: %v", o.GetName(), err)
		}
	}
	if _, err := g.r.Reconcile(ctx, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "pave-system", Name: own.Name}}); err != nil {
		t.Fatal(err)
	}
	g.reconcile("api")

	for _, c := range []struct{ apiVersion, kind, name string }{
		{"networking.k8s.io/v1", "NetworkPolicy", "pave-zone-%s"},
		{"networking.istio.io/v1", "DestinationRule", "pave-%s"},
		{"monitoring.coreos.com/v1", "PodMonitor", "pave-%s"},
		{"v1", "ConfigMap", "pave-%s-dashboard"},
	} {
		if u := g.getIn("pave-system", c.apiVersion, c.kind, fmt.Sprintf(c.name, own.Name)); u != nil {
			t.Errorf("%s %s in pave-system, which pave does not govern", c.kind, u.GetName())
		}
		if g.get(c.apiVersion, c.kind, fmt.Sprintf(c.name, "api")) == nil { // the governed one still has its own
			t.Errorf("%s of shop's api was not applied", c.kind)
		}
	}
	if events := g.drain(); !slices.Contains(events, "Normal CompanionDeleted NetworkPolicy pave-zone-pave-admission is no longer wanted") {
		t.Errorf("events %q lack the stale NetworkPolicy's deletion", events)
	}
}

// A namespace the platform stops governing loses what pave wrote for it
// (its default deny, quota, mesh policy and the backup Schedule in Velero's
// namespace), as a policy that no longer wants them would.
func TestExcludedNamespaceLosesItsObjects(t *testing.T) {
	g := newRig(t, "spec: {mesh: {mode: istio}}")
	r := &Namespaces{Client: g.c, Engines: g.engines, Env: g.r.Env, Recorder: g.events, Log: log.Log,
		Managed: g.engines.Load().NamespaceKinds(), Skip: v1alpha1.Ungoverned("pave-system")}
	run := func() {
		t.Helper()
		if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: "shop"}}); err != nil {
			t.Fatal(err)
		}
	}
	objects := []struct{ namespace, apiVersion, kind, name string }{
		{"shop", "networking.k8s.io/v1", "NetworkPolicy", "pave-zone"},
		{"shop", "v1", "ResourceQuota", "pave-tier"},
		{"shop", "security.istio.io/v1", "PeerAuthentication", "pave-mtls"},
		{"velero", "velero.io/v1", "Schedule", "pave-shop"},
	}
	run()
	for _, o := range objects {
		if g.getIn(o.namespace, o.apiVersion, o.kind, o.name) == nil {
			t.Fatalf("%s %s/%s was not applied while shop was governed", o.kind, o.namespace, o.name)
		}
	}
	r.Skip = append(r.Skip, "shop")
	run()
	for _, o := range objects {
		if g.getIn(o.namespace, o.apiVersion, o.kind, o.name) != nil {
			t.Errorf("%s %s/%s is still there after shop was excluded", o.kind, o.namespace, o.name)
		}
	}
}
