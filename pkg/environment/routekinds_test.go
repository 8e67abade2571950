package environment_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
)

// Kinds join while handlers read the set: none is lost to a concurrent
// Add, and a nil set (an adapter that indexes no route) holds none.
func TestRouteKindsGrowWhileRead(t *testing.T) {
	var none *environment.RouteKinds
	if none.Has("HTTPRoute") {
		t.Fatal("a nil set holds a kind")
	}
	none.Asked() // never blocks, never panics

	r := environment.NewRouteKinds()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			r.Add(fmt.Sprintf("Kind%d", i))
			r.Add(fmt.Sprintf("Kind%d", i)) // twice is once
			_ = r.Has("Kind0")
		})
	}
	wg.Wait()
	for i := range 16 {
		if !r.Has(fmt.Sprintf("Kind%d", i)) {
			t.Errorf("Kind%d was lost", i)
		}
	}
	if r.Has("GRPCRoute") {
		t.Error("a kind never added is held")
	}
}

// Asks while one is pending are one ask, and asking never blocks the
// handler that asks.
func TestRouteKindsAsksDoNotBlock(t *testing.T) {
	r := environment.NewRouteKinds()
	for range 3 {
		r.Asked()
	}
	<-r.Wanted()
	select {
	case <-r.Wanted():
		t.Fatal("three asks while one was pending were more than one")
	default:
	}
	r.Asked()
	select {
	case <-r.Wanted():
	default:
		t.Fatal("an ask after the last was taken was lost")
	}
}

// Routing reads only the route kinds indexed, and while one is missing
// each read asks the adapter to look for it; once all are indexed, none.
func TestRoutingReadsIndexedKindsAndAsksForTheRest(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := gatewayv1.Install(scheme); err != nil {
		t.Fatal(err)
	}
	host := gatewayv1.Hostname("a.example.com")
	http := &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "a"}, Spec: gatewayv1.HTTPRouteSpec{Hostnames: []gatewayv1.Hostname{host}}}
	grpc := &gatewayv1.GRPCRoute{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "a"}, Spec: gatewayv1.GRPCRouteSpec{Hostnames: []gatewayv1.Hostname{host}}}
	tls := &gatewayv1.TLSRoute{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "a"}, Spec: gatewayv1.TLSRouteSpec{Hostnames: []gatewayv1.Hostname{host}}}
	byHost := func(o client.Object) []string { return ingress.IndexKeys(o) }
	reader := fake.NewClientBuilder().WithScheme(scheme).WithObjects(http, grpc, tls).
		WithIndex(&gatewayv1.HTTPRoute{}, ingress.IndexHost, byHost).WithIndex(&gatewayv1.GRPCRoute{}, ingress.IndexHost, byHost).
		WithIndex(&gatewayv1.TLSRoute{}, ingress.IndexHost, byHost).WithIndex(&gatewayv1.ListenerSet{}, ingress.IndexHost, byHost).Build()
	routes := environment.NewRouteKinds()
	c := environment.Cluster{Reader: reader, Routes: routes}
	names := func() []string {
		t.Helper()
		got, err := c.Routing(context.Background(), ingress.FamilyGateway, "a.example.com")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range got {
			out = append(out, ingress.KindOf(o)+"/"+o.GetName())
		}
		slices.Sort(out)
		return out
	}
	asked := func() bool {
		select {
		case <-routes.Wanted():
			return true
		default:
			return false
		}
	}

	routes.Add("HTTPRoute")
	if got, ask := names(), asked(); !slices.Equal(got, []string{"HTTPRoute/web"}) || !ask {
		t.Fatalf("GRPCRoute not indexed: read %v, asked %v; want HTTPRoute/web and an ask", got, ask)
	}
	routes.Add("GRPCRoute")
	if got, ask := names(), asked(); !slices.Equal(got, []string{"GRPCRoute/api", "HTTPRoute/web"}) || !ask {
		t.Fatalf("TLSRoute not indexed: read %v, asked %v; want GRPCRoute/api, HTTPRoute/web and an ask", got, ask)
	}
	routes.Add("TLSRoute")
	routes.Add(ingress.KindListenerSet)
	if got, ask := names(), asked(); !slices.Equal(got, []string{"GRPCRoute/api", "HTTPRoute/web", "TLSRoute/db"}) || ask {
		t.Fatalf("all indexed: read %v, asked %v; want all three and no ask", got, ask)
	}
}

// Istio's VirtualServices bound to gateways are a family of their own,
// read unstructured once the adapter indexed the kind; before that each
// read asks for it.
func TestRoutingReadsVirtualServicesOnceIndexed(t *testing.T) {
	vs := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": map[string]any{"name": "shop", "namespace": "shop"},
		"spec":     map[string]any{"hosts": []any{"shop.example.com"}, "gateways": []any{"istio-system/public"}},
	}}
	empty := &unstructured.Unstructured{}
	empty.SetGroupVersionKind(ingress.VirtualServiceKind())
	reader := fake.NewClientBuilder().WithObjects(vs).
		WithIndex(empty, ingress.IndexHost, func(o client.Object) []string { return ingress.IndexKeys(o) }).Build()
	routes := environment.NewRouteKinds()
	c := environment.Cluster{Reader: reader, Routes: routes}
	read := func() []client.Object {
		t.Helper()
		got, err := c.Routing(context.Background(), ingress.FamilyIstio, "shop.example.com")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(); len(got) != 0 {
		t.Fatalf("read %d VirtualServices before the kind was indexed", len(got))
	}
	select {
	case <-routes.Wanted():
	default:
		t.Fatal("a read before the kind was indexed did not ask for it")
	}
	routes.Add("VirtualService")
	got := read()
	if len(got) != 1 || ingress.KindOf(got[0]) != "VirtualService" || got[0].GetName() != "shop" {
		t.Fatalf("read %v, want VirtualService shop", got)
	}
	if got, err := c.Routing(context.Background(), ingress.FamilyGateway, "shop.example.com"); err != nil || len(got) != 0 {
		t.Errorf("the Gateway API family read %v (%v): a VirtualService's host is not a Gateway's", got, err)
	}
}
