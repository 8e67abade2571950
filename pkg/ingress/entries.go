package ingress

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// MaxHosts is how many host entries one Ingress, route, ListenerSet,
// VirtualService or Service (the names external-dns publishes) may write. The admission server keeps every entry of
// every team's object in memory, with its index (2–3 KiB a host): with
// no bound, twenty Ingresses of 5,000 hosts each, a megabyte apiece, took
// it past its memory limit within seconds, and the informer would fill it
// again at every restart. Gateway API holds a route to 16 hostnames and a
// Gateway to 64 listeners; an Ingress or VirtualService takes the larger.
const MaxHosts = 64

// Entries is where obj writes its hosts and how many entries it writes
// there, duplicates and rules without a host included (each is kept
// apart until it is read): an Ingress's rules and annotated hosts, a
// route's hostnames, a ListenerSet's listeners, a VirtualService's hosts,
// whether it binds to a gateway or to the sidecars, the names a Service has
// external-dns publish. ok is false for other objects.
func Entries(obj any) (field string, n int, ok bool) {
	switch o := obj.(type) {
	case *networkingv1.Ingress:
		return "spec.rules", len(o.Spec.Rules) + len(annotatedHosts(o)), true
	case *gatewayv1.ListenerSet:
		return "spec.listeners", len(o.Spec.Listeners), true
	case *corev1.Service:
		return "metadata.annotations", len(namesIn(o.Annotations, PublishedHostAnnotations[:])), true
	case *unstructured.Unstructured:
		if !isVirtualService(o) {
			return "", 0, false
		}
		hosts, _, _ := unstructured.NestedSlice(o.Object, "spec", "hosts")
		return "spec.hosts", len(hosts), true
	}
	if names, ok := Hostnames(obj); ok {
		return "spec.hostnames", len(names), true
	}
	return "", 0, false
}
