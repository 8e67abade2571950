package ingress_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/ingress"
)

// What an index of hosts keeps of an object is indexed as the object is, of
// its kind, with the metadata kept and nothing else: an Ingress's paths and
// annotations go, and so does a route's every field but its hostnames.
func TestRoutedIsIndexedAsTheObject(t *testing.T) {
	made := metav1.NewTime(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	meta := metav1.ObjectMeta{Name: "web", Namespace: "shop", UID: "u1", CreationTimestamp: made,
		Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"team": "shop"}}
	keep := func(m metav1.ObjectMeta) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, CreationTimestamp: m.CreationTimestamp}
	}
	prefix := networkingv1.PathTypePrefix
	withAnnotations := func(m metav1.ObjectMeta, kv ...string) metav1.ObjectMeta {
		m.Annotations = map[string]string{"team": "shop"}
		for i := 0; i < len(kv); i += 2 {
			m.Annotations[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, obj := range []any{
		&networkingv1.Ingress{ObjectMeta: withAnnotations(meta, ingress.ServerAlias, "alias.example.com"), Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{
			{Host: "Shop.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}},
			{}}}},
		&corev1.Service{ObjectMeta: withAnnotations(meta, ingress.ExternalDNSHostname, "a.example.com., b.example.com", ingress.ExternalDNSInternalHostname, "c.example.com"),
			Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}}},
		&gatewayv1.HTTPRoute{ObjectMeta: meta, Spec: gatewayv1.HTTPRouteSpec{Hostnames: []gatewayv1.Hostname{"shop.example.com", "*.example.com"},
			Rules: []gatewayv1.HTTPRouteRule{{}}}},
		&unstructured.Unstructured{Object: map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
			"metadata": map[string]any{"name": "web", "namespace": "shop", "uid": "u1", "creationTimestamp": made.UTC().Format(time.RFC3339), "labels": map[string]any{"app": "web"}},
			"spec": map[string]any{"gateways": []any{"mesh", "istio-system/public"}, "hosts": []any{"Shop.example.com", "web", "*", "web.shop"},
				"http": []any{map[string]any{"route": []any{}}}}}},
	} {
		kind := ingress.KindOf(obj)
		t.Run(kind, func(t *testing.T) {
			routed, ok := ingress.Routed(obj, keep)
			if !ok {
				t.Fatal("not routed")
			}
			family, hosts, _ := ingress.Indexed(obj)
			gotFamily, gotHosts, ok := ingress.Indexed(routed)
			if !ok || gotFamily != family || !slices.Equal(gotHosts, hosts) || ingress.KindOf(routed) != kind {
				t.Errorf("routed as %s %s %q (%v), want %s %s %q", ingress.KindOf(routed), gotFamily, gotHosts, ok, kind, family, hosts)
			}
			if !slices.Equal(ingress.IndexKeys(routed), ingress.IndexKeys(obj)) {
				t.Errorf("index keys %q, want %q", ingress.IndexKeys(routed), ingress.IndexKeys(obj))
			}
			if routed.GetName() != "web" || routed.GetNamespace() != "shop" || !routed.GetCreationTimestamp().Time.Equal(made.Time) || routed.GetUID() != "" || routed.GetLabels() != nil {
				t.Errorf("metadata %s/%s %v uid %q labels %v, want what keep keeps", routed.GetNamespace(), routed.GetName(), routed.GetCreationTimestamp(), routed.GetUID(), routed.GetLabels())
			}
			switch r := routed.(type) {
			case *networkingv1.Ingress:
				if r.Annotations != nil || slices.ContainsFunc(r.Spec.Rules, func(rule networkingv1.IngressRule) bool { return rule.HTTP != nil }) {
					t.Errorf("the Ingress keeps more than its hosts: %+v", r)
				}
			case *gatewayv1.HTTPRoute:
				if len(r.Spec.Rules) > 0 {
					t.Errorf("the route keeps its rules: %+v", r.Spec)
				}
			case *unstructured.Unstructured:
				if _, ok := r.Object["spec"].(map[string]any)["http"]; ok {
					t.Errorf("the VirtualService keeps its routes: %v", r.Object["spec"])
				}
			}
		})
	}
	t.Run("bounded", func(t *testing.T) {
		var rules []networkingv1.IngressRule
		for i := range ingress.MaxHosts + 10 {
			rules = append(rules, networkingv1.IngressRule{Host: fmt.Sprintf("h%d.example.com", i)})
		}
		routed, _ := ingress.Routed(&networkingv1.Ingress{ObjectMeta: meta, Spec: networkingv1.IngressSpec{Rules: rules}}, keep)
		if _, hosts, _ := ingress.Indexed(routed); len(hosts) != ingress.MaxHosts {
			t.Errorf("kept %d hosts of %d, want %d", len(hosts), len(rules), ingress.MaxHosts)
		}
	})
	if _, ok := ingress.Routed(&corev1.Service{ObjectMeta: meta}, keep); ok {
		t.Error("a Service that publishes no name is routed")
	}
}
