package environment_test

import (
	"context"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
)

func istioObject(kind, name string, labels map[string]any, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1beta1", "kind": kind,
		"metadata": map[string]any{"name": name, "namespace": "shop", "labels": labels},
		"spec":     spec,
	}}
}

// The index keys a team's rule by each host as Istio resolves it, once,
// and leaves out pave's own.
func TestIstioHostIndex(t *testing.T) {
	team := istioObject("VirtualService", "web", nil, map[string]any{"hosts": []any{"web", "web.shop.svc.cluster.local", "api.other.svc.cluster.local"}})
	want := []string{"shop/api.other.svc.cluster.local", "shop/web.shop.svc.cluster.local"}
	if got := environment.IstioHostIndex(team); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	ours := istioObject("DestinationRule", "pave-web", map[string]any{"app.kubernetes.io/managed-by": "pave"}, map[string]any{"host": "web.shop.svc.cluster.local"})
	if got := environment.IstioHostIndex(ours); len(got) != 0 {
		t.Errorf("pave's own DestinationRule indexed under %v", got)
	}
	// Its label taken off by hand, pave's is still pave's, by its name.
	unlabelled := istioObject("DestinationRule", "pave-web", map[string]any{"edited": "by-hand"}, map[string]any{"host": "web.shop.svc.cluster.local"})
	if got := environment.IstioHostIndex(unlabelled); len(got) != 0 {
		t.Errorf("pave's own DestinationRule without its label indexed under %v", got)
	}
	gw := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "Gateway",
		"metadata": map[string]any{"name": "gw", "namespace": "shop"}, "spec": map[string]any{}}}
	if got := environment.IstioHostIndex(gw); len(got) != 0 {
		t.Errorf("a Gateway indexed under %v", got)
	}
}

// Offline, the input's rules of a namespace are found by host, or all.
func TestStaticIstioRules(t *testing.T) {
	web := policy.IstioRule{Kind: "VirtualService", Name: "web", Hosts: []string{"web"}}
	api := policy.IstioRule{Kind: "DestinationRule", Name: "api", Hosts: []string{"api.shop.svc.cluster.local"}}
	s := environment.Static{IstioRulesByNamespace: map[string][]policy.IstioRule{"shop": {web, api}}}
	got, err := s.IstioRules(context.Background(), "shop", "web.shop.svc.cluster.local")
	if err != nil || len(got) != 1 || got[0].Name != "web" {
		t.Errorf("by host: %v %v", got, err)
	}
	if got, _ := s.IstioRules(context.Background(), "shop", ""); len(got) != 2 {
		t.Errorf("all: %v", got)
	}
	if got, _ := s.IstioRules(context.Background(), "other", ""); len(got) != 0 {
		t.Errorf("another namespace: %v", got)
	}
}
