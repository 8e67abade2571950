package controller

import (
	"context"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func teamRule(kind, name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": kind,
		"metadata": map[string]any{"name": name, "namespace": "shop"},
		"spec":     spec,
	}}
}

// pave's VirtualService and DestinationRule of a service step aside for the
// team's own, with an event on the workload each, and come back when the
// team's go. The team's are never touched.
func TestReconcileStepsAsideForTheTeamsIstioRules(t *testing.T) {
	vs := teamRule("VirtualService", "api", map[string]any{"hosts": []any{"api"}, "http": []any{}})
	dr := teamRule("DestinationRule", "api", map[string]any{"host": "api.shop.svc.cluster.local", "trafficPolicy": map[string]any{}})
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"), vs, dr)
	g.reconcile("api")
	if got := g.get("networking.istio.io/v1", "VirtualService", "pave-api"); got != nil {
		t.Error("pave's VirtualService beside the team's")
	}
	if got := g.get("networking.istio.io/v1", "DestinationRule", "pave-api"); got != nil {
		t.Error("pave's DestinationRule, with nothing of its own to set, beside the team's")
	}
	events := strings.Join(g.drain(), "\n")
	for _, want := range []string{"Normal TeamVirtualService VirtualService api routes api.shop.svc.cluster.local",
		"Normal TeamDestinationRule DestinationRule api sets the traffic policy of api.shop.svc.cluster.local"} {
		if !strings.Contains(events, want) {
			t.Errorf("events %q lack %q", events, want)
		}
	}
	if g.get("networking.istio.io/v1", "VirtualService", "api") == nil || g.get("networking.istio.io/v1", "DestinationRule", "api") == nil {
		t.Fatal("the team's objects were deleted")
	}

	// Both would reach the workload's reconcile when they change.
	for _, o := range []client.Object{vs, dr} {
		if got := g.r.routedWorkloads(context.Background(), o); !slices.Equal(got, []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: "shop", Name: "api"}}}) {
			t.Errorf("%s api maps to %v", o.GetObjectKind().GroupVersionKind().Kind, got)
		}
	}

	for _, o := range []client.Object{vs, dr} {
		if err := g.c.Delete(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	g.reconcile("api")
	if g.get("networking.istio.io/v1", "VirtualService", "pave-api") == nil || g.get("networking.istio.io/v1", "DestinationRule", "pave-api") == nil {
		t.Error("pave's did not come back when the team's went")
	}
}

// A VirtualService pave wrote, or one of another service, maps to no
// workload.
func TestRoutedWorkloadsOnlyTheTeamsOfTheService(t *testing.T) {
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"))
	ours := teamRule("VirtualService", "pave-api", map[string]any{"hosts": []any{"api.shop.svc.cluster.local"}})
	ours.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "pave"})
	other := teamRule("VirtualService", "web", map[string]any{"hosts": []any{"web", "api.shop", "*"}})
	for _, o := range []client.Object{ours, other} {
		if got := g.r.routedWorkloads(context.Background(), o); len(got) != 0 {
			t.Errorf("%s maps to %v", o.GetName(), got)
		}
	}
}
