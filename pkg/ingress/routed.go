package ingress

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/mesh"
)

// Routed is what an index of hosts needs of obj (IndexKeys, and the
// routes a judged object is held against): an object of obj's kind with
// its metadata as keep keeps it and the hosts Indexed reads of it, at most
// MaxHosts, and nothing else. ok is false for an object Indexed does not
// index. Whoever holds every route of a cluster at once holds this, not
// objects of up to a MiB and a half each, of kinds no quota counts
// (security.md, finding 69).
func Routed(obj any, keep Keep) (routed client.Object, ok bool) {
	family, hosts, ok := Indexed(obj)
	if !ok {
		return nil, false
	}
	hosts = hosts[:min(len(hosts), MaxHosts)]
	switch o := obj.(type) {
	case *networkingv1.Ingress:
		kept := &networkingv1.Ingress{TypeMeta: o.TypeMeta, ObjectMeta: keep(o.ObjectMeta)}
		for _, h := range hosts { // CatchAll a rule without a host
			kept.Spec.Rules = append(kept.Spec.Rules, networkingv1.IngressRule{Host: h})
		}
		return kept, true
	case *corev1.Service: // FamilyDNS: the names external-dns publishes
		kept := &corev1.Service{TypeMeta: o.TypeMeta, ObjectMeta: keep(o.ObjectMeta)}
		kept.Annotations = map[string]string{ExternalDNSHostname: strings.Join(hosts, ",")}
		return kept, true
	case *unstructured.Unstructured: // a VirtualService bound to a gateway
		return routedVirtualService(o, hosts, keep), true
	}
	if family == FamilyGateway {
		return Slim(obj, keep)
	}
	return nil, false
}

// routedVirtualService is Routed of a VirtualService bound to a gateway:
// its hosts as GatewayHosts resolved them (a resolved name resolves to
// itself, CatchAll is written "*" again), and a gateway it binds to.
func routedVirtualService(u *unstructured.Unstructured, hosts []string, keep Keep) client.Object {
	kept := &unstructured.Unstructured{Object: map[string]any{"apiVersion": u.GetAPIVersion(), "kind": u.GetKind()}}
	m := keep(metav1.ObjectMeta{Name: u.GetName(), Namespace: u.GetNamespace(), UID: u.GetUID(), ResourceVersion: u.GetResourceVersion(),
		CreationTimestamp: u.GetCreationTimestamp(), DeletionTimestamp: u.GetDeletionTimestamp()})
	kept.SetName(m.Name)
	kept.SetNamespace(m.Namespace)
	kept.SetUID(m.UID)
	kept.SetResourceVersion(m.ResourceVersion)
	kept.SetCreationTimestamp(m.CreationTimestamp)
	kept.SetDeletionTimestamp(m.DeletionTimestamp)
	written := make([]any, len(hosts))
	for i, h := range hosts {
		if h == CatchAll {
			h = "*"
		}
		written[i] = h
	}
	// One gateway of those it binds to is what mesh.BoundToGateways asks.
	gateways, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "gateways")
	var bound []any
	if i := slices.IndexFunc(gateways, func(g string) bool { return mesh.BoundToGateways([]string{g}) }); i >= 0 {
		bound = []any{gateways[i]}
	}
	kept.Object["spec"] = map[string]any{"hosts": written, "gateways": bound}
	return kept
}
