package main

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

func watcher(c client.Client, writeStatus bool) (*policyWatcher, *record.FakeRecorder, <-chan struct{}) {
	rec := record.NewFakeRecorder(10)
	w := &policyWatcher{client: c, engines: &pavewebhook.Engines{}, log: log.Log, recorder: rec, writeStatus: writeStatus}
	swaps := make(chan struct{}, 10)
	ch := w.subscribe()
	go func() {
		for range ch {
			swaps <- struct{}{}
		}
	}()
	return w, rec, swaps
}

func reconcilePolicy(t *testing.T, w *policyWatcher) {
	t.Helper()
	if _, err := w.Reconcile(context.Background(), reconcile.Request{}); err != nil {
		t.Fatal(err)
	}
}

func policyClient(objs ...client.Object) client.Client {
	scheme := runtime.NewScheme()
	_ = v1alpha1.AddToScheme(scheme)
	_ = corev1.AddToScheme(scheme)
	return fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(&v1alpha1.PlatformPolicy{}).WithObjects(objs...).Build()
}

func stored(t *testing.T, c client.Client) *v1alpha1.PlatformPolicy {
	t.Helper()
	var p v1alpha1.PlatformPolicy
	if err := c.Get(context.Background(), client.ObjectKey{Name: "default"}, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

// The policy watcher as pave runs it: the controller (which writes status)
// and admission replicas (which only read it) over one API. A policy that does
// not compile never replaces the one in force, not even in a replica started
// after it was stored: the last accepted spec in the status serves; with none,
// the replica stays unready rather than serve the built-in policy.
func TestPolicyWatcherFallsBackToTheLastAcceptedPolicy(t *testing.T) {
	c := policyClient()
	ctx := context.Background()

	// No PlatformPolicy: the built-in policy, and the companions resync.
	ctrl, events, swaps := watcher(c, true)
	reconcilePolicy(t, ctrl)
	if err := ctrl.ready(nil); err != nil || ctrl.engines.Load() == nil || ctrl.current.Load().Spec != nil {
		t.Fatalf("without a PlatformPolicy: ready %v, in force %v", err, describe(ctrl.current.Load()))
	}
	<-swaps

	// A good policy is in force; the controller keeps it in the status.
	pol := &v1alpha1.PlatformPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default", Generation: 1},
		Spec: v1alpha1.PlatformPolicySpec{Mesh: v1alpha1.MeshPolicy{Mode: v1alpha1.MeshIstio}}}
	if err := c.Create(ctx, pol); err != nil {
		t.Fatal(err)
	}
	reconcilePolicy(t, ctrl)
	<-swaps
	good := ctrl.engines.Load()
	if good.Policy().Spec.Mesh.Mode != v1alpha1.MeshIstio {
		t.Fatalf("in force: %s", describe(ctrl.current.Load()))
	}
	if s := stored(t, c).Status; s.InForceGeneration != 1 || s.LastAccepted == nil {
		t.Fatalf("status does not keep the accepted spec: %+v", s)
	}

	// A broken generation: the good one stays, the status and an event say so,
	// and nothing resyncs.
	pol = stored(t, c)
	pol.Generation = 2
	pol.Spec.Rules = []v1alpha1.RuleSetting{{ID: "no-such-rule", Mode: v1alpha1.ModeWarn}}
	if err := c.Update(ctx, pol); err != nil {
		t.Fatal(err)
	}
	reconcilePolicy(t, ctrl)
	if ctrl.engines.Load() != good {
		t.Fatal("a rejected policy replaced the one in force")
	}
	if e := <-events.Events; !strings.Contains(e, "PolicyRejected generation 2 rejected") || !strings.Contains(e, "in force: generation 1") {
		t.Errorf("event %q", e)
	}
	ready := meta.FindStatusCondition(stored(t, c).Status.Conditions, pavewebhook.ConditionReady)
	if ready == nil || ready.Reason != pavewebhook.ReasonRejected || !strings.Contains(ready.Message, "generation 1 stays in force") {
		t.Errorf("Ready condition %+v", ready)
	}
	select {
	case <-swaps:
		t.Error("a rejected policy resynced the companions")
	default:
	}

	// An admission replica started now serves generation 1, from the status.
	replica, _, _ := watcher(c, false)
	reconcilePolicy(t, replica)
	if err := replica.ready(nil); err != nil || replica.current.Load().Generation != 1 || replica.engines.Load().Policy().Spec.Mesh.Mode != v1alpha1.MeshIstio {
		t.Fatalf("a new replica: ready %v, in force %s", err, describe(replica.current.Load()))
	}

	// With nothing accepted before, a new replica refuses to serve: unready,
	// no engine (the webhook answers 503, the validating webhook fails closed),
	// and it writes no status, which is the controller's.
	pol = stored(t, c)
	pol.Status = v1alpha1.PlatformPolicyStatus{}
	if err := c.Status().Update(ctx, pol); err != nil {
		t.Fatal(err)
	}
	fresh, _, _ := watcher(c, false)
	reconcilePolicy(t, fresh)
	if err := fresh.ready(nil); err == nil || fresh.engines.Load() != nil {
		t.Fatalf("served %s with no accepted policy", describe(fresh.current.Load()))
	}
	if s := stored(t, c).Status; len(s.Conditions) != 0 {
		t.Errorf("an admission replica wrote the status: %+v", s)
	}
}

// A generation that leaves out a zone namespaces are in stays out until the
// namespaces are relabelled; deciding the generation in force again (its
// status written, a namespace relabelled) resyncs nothing.
func TestPolicyWatcherKeepsAZoneNamespacesAreIn(t *testing.T) {
	legacy := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "legacy", Labels: map[string]string{v1alpha1.LabelZone: "internal"}}}
	system := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "pave-system", Labels: map[string]string{v1alpha1.LabelZone: "internal"}}}
	c := policyClient(legacy, system)
	ctx := context.Background()
	ctrl, _, swaps := watcher(c, true)
	ctrl.ungoverned = []string{"pave-system"}
	reconcilePolicy(t, ctrl)
	<-swaps

	pol := &v1alpha1.PlatformPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default", Generation: 1},
		Spec: v1alpha1.PlatformPolicySpec{Zones: v1alpha1.ZonePolicy{Names: []string{"public", "private", "restricted"}, DefaultZone: "private"}}}
	if err := c.Create(ctx, pol); err != nil {
		t.Fatal(err)
	}
	reconcilePolicy(t, ctrl)
	ready := meta.FindStatusCondition(stored(t, c).Status.Conditions, pavewebhook.ConditionReady)
	if ctrl.current.Load().Spec != nil || ready == nil || !strings.Contains(ready.Message, "namespace legacy:") {
		t.Fatalf("in force %s, Ready %+v", describe(ctrl.current.Load()), ready)
	}

	legacy.Labels[v1alpha1.LabelZone] = "private"
	if err := c.Update(ctx, legacy); err != nil {
		t.Fatal(err)
	}
	reconcilePolicy(t, ctrl)
	<-swaps
	if ctrl.current.Load().Generation != 1 {
		t.Fatalf("relabelled: in force %s", describe(ctrl.current.Load()))
	}
	reconcilePolicy(t, ctrl)
	select {
	case <-swaps:
		t.Error("the generation in force, decided again, resynced the companions")
	default:
	}
}
