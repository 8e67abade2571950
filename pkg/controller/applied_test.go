package controller

import (
	"context"
	"maps"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

// A reconcile applies only what changed since pave last applied it: a
// companion someone edited or deleted, one the policy now wants otherwise,
// and one that said it is not ready (so its readiness is read again and
// reported); the rest are not applied again.
func TestReconcileAppliesOnlyWhatChanged(t *testing.T) {
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"))
	applies := map[string]int{}
	// A write is a create or an apply (write): counted alike.
	written := func(obj client.Object, err error) error {
		if err != nil {
			return err
		}
		applies[obj.GetObjectKind().GroupVersionKind().Kind+" "+obj.GetName()]++
		if u, ok := obj.(*unstructured.Unstructured); ok && u.GetKind() == "PodMonitor" { // as an operator would report it
			_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "Ready", "status": "False", "reason": "Test"}}, "status", "conditions")
		}
		return nil
	}
	g.r.Client = interceptor.NewClient(g.c.(client.WithWatch), interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			return written(obj, c.Create(ctx, obj, opts...))
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			return written(obj, c.Patch(ctx, obj, patch, opts...))
		}})
	g.r.Applied = NewApplied()
	ctx := context.Background()
	again := func(what string, want map[string]int) {
		t.Helper()
		clear(applies)
		g.reconcile("api")
		if !maps.Equal(applies, want) {
			t.Errorf("%s: applied %v, want %v", what, applies, want)
		}
	}

	g.reconcile("api")
	if len(applies) < 5 {
		t.Fatalf("the first reconcile applied %v", applies)
	}
	notReady := map[string]int{"PodMonitor pave-api": 1}
	again("nothing changed", notReady)

	dr := g.get("networking.istio.io/v1", "DestinationRule", "pave-api")
	dr.SetLabels(map[string]string{"edited": "by-hand"})
	if err := g.c.Update(ctx, dr); err != nil {
		t.Fatal(err)
	}
	again("the DestinationRule edited", map[string]int{"DestinationRule pave-api": 1, "PodMonitor pave-api": 1})

	np := g.get("networking.k8s.io/v1", "NetworkPolicy", "pave-zone-api")
	if err := g.c.Delete(ctx, np); err != nil {
		t.Fatal(err)
	}
	again("the NetworkPolicy deleted", map[string]int{"NetworkPolicy pave-zone-api": 1, "PodMonitor pave-api": 1})
	if g.get("networking.k8s.io/v1", "NetworkPolicy", "pave-zone-api") == nil {
		t.Error("the deleted NetworkPolicy did not come back")
	}

	g.setPolicy("spec: {mesh: {mode: \"off\"}}") // the mesh's two go
	g.reconcile("api")
	g.setPolicy("spec: {mesh: {mode: istio}}")
	clear(applies)
	g.reconcile("api")
	for _, k := range []string{"DestinationRule pave-api", "VirtualService pave-api"} {
		if applies[k] != 1 {
			t.Errorf("the mesh back on: %s applied %d times, want once (applied %v)", k, applies[k], applies)
		}
	}
	if events := g.drain(); len(events) == 0 {
		t.Error("no event said the PodMonitor is not ready")
	}
}
