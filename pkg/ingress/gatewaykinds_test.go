package ingress_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/object"
)

// Every kind of GatewayKinds is one the Gateway API module registers under
// that name, listed, decoded and told by its Go type as that kind, and
// object.Decode (which keeps its own list) decodes it into the same type.
func TestGatewayKindsAreOneKindEach(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := gatewayv1.Install(scheme); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, k := range ingress.GatewayKinds() {
		if seen[k.GVK.Kind] {
			t.Errorf("%s listed twice", k.GVK.Kind)
		}
		seen[k.GVK.Kind] = true
		obj := k.New()
		gvks, _, err := scheme.ObjectKinds(obj)
		if err != nil || !slices.Contains(gvks, k.GVK) {
			t.Errorf("%s: New is %T, registered as %v (%v)", k.GVK.Kind, obj, gvks, err)
		}
		list := k.NewList()
		gvks, _, err = scheme.ObjectKinds(list)
		if err != nil || !slices.Contains(gvks, k.GVK.GroupVersion().WithKind(k.GVK.Kind+"List")) {
			t.Errorf("%s: NewList is %T, registered as %v (%v)", k.GVK.Kind, list, gvks, err)
		}
		if got := ingress.RouteList(k.GVK.Kind); reflect.TypeOf(got) != reflect.TypeOf(list) {
			t.Errorf("%s: RouteList is %T", k.GVK.Kind, got)
		}
		if got := ingress.KindOf(obj); got != k.GVK.Kind {
			t.Errorf("%T: KindOf says %q", obj, got)
		}
		if !slices.Contains(ingress.RouteKinds(), k.GVK) || !slices.Contains(ingress.Kinds(), k.GVK) {
			t.Errorf("%s is missing from RouteKinds or Kinds", k.GVK.Kind)
		}
		decoded, err := object.Decode(k.GVK, []byte(`{"metadata":{"name":"web"}}`))
		if err != nil || reflect.TypeOf(decoded) != reflect.TypeOf(obj) {
			t.Errorf("%s: object.Decode made %T (%v)", k.GVK.Kind, decoded, err)
		}
		// Empty, a route takes every host of its listeners; a ListenerSet
		// without listeners takes none.
		want := []string{ingress.CatchAll}
		if k.GVK.Kind == ingress.KindListenerSet {
			want = nil
		}
		if family, hosts, ok := ingress.HostsOf(obj); !ok || family != ingress.FamilyGateway || !slices.Equal(hosts, want) {
			t.Errorf("%s without hostnames: %q %q %v", k.GVK.Kind, family, hosts, ok)
		}
	}
}

// The cache's cut of each kind routes the same hosts as the whole object,
// keeps the metadata it is given, and nothing else of the spec.
func TestSlimKeepsWhatHostsOfReads(t *testing.T) {
	host := gatewayv1.Hostname("Shop.example.com")
	objMeta := metav1.ObjectMeta{Name: "web", Namespace: "shop", Labels: map[string]string{"a": "b"}, UID: "u"}
	objects := []any{
		&gatewayv1.HTTPRoute{ObjectMeta: objMeta, Spec: gatewayv1.HTTPRouteSpec{Hostnames: []gatewayv1.Hostname{host, "*.example.com"},
			Rules: []gatewayv1.HTTPRouteRule{{}}, CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "shared"}}}}},
		&gatewayv1.GRPCRoute{ObjectMeta: objMeta, Spec: gatewayv1.GRPCRouteSpec{Hostnames: []gatewayv1.Hostname{host},
			Rules: []gatewayv1.GRPCRouteRule{{}}}},
		&gatewayv1.TLSRoute{ObjectMeta: objMeta, Spec: gatewayv1.TLSRouteSpec{Hostnames: []gatewayv1.Hostname{host},
			Rules: []gatewayv1.TLSRouteRule{{}}}},
		&gatewayv1.ListenerSet{ObjectMeta: objMeta, Spec: gatewayv1.ListenerSetSpec{
			ParentRef: gatewayv1.ParentGatewayReference{Name: "shared"},
			Listeners: []gatewayv1.ListenerEntry{
				{Name: "a", Hostname: &host, Protocol: gatewayv1.HTTPSProtocolType, Port: 443},
				{Name: "b", Protocol: gatewayv1.TLSProtocolType, Port: 8443},
				{Name: "c", Protocol: gatewayv1.TCPProtocolType, Port: 9000},
			}}},
	}
	identity := func(m metav1.ObjectMeta) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace}
	}
	for _, obj := range objects {
		t.Run(fmt.Sprintf("%T", obj), func(t *testing.T) {
			slim, ok := ingress.Slim(obj, identity)
			if !ok {
				t.Fatal("not cut")
			}
			_, want, _ := ingress.HostsOf(obj)
			_, got, _ := ingress.HostsOf(slim)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("hosts %q, want %q", got, want)
			}
			m := slim
			if m.GetName() != "web" || m.GetNamespace() != "shop" || m.GetLabels() != nil || m.GetUID() != "" {
				t.Errorf("metadata %+v", m)
			}
			raw, _ := json.Marshal(slim)
			for _, gone := range []string{"rules", "parentRefs", "shared", `"port"`, `"name":"a"`} {
				if strings.Contains(string(raw), gone) {
					t.Errorf("kept %s: %s", gone, raw)
				}
			}
		})
	}
	if _, ok := ingress.Slim(&metav1.PartialObjectMetadata{}, identity); ok {
		t.Error("cut an object of no Gateway API kind")
	}
}
