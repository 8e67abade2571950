package ingress

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/mesh"
	paveobject "github.com/pave-dev/pave/pkg/object"
)

// VirtualServiceKind is Istio's VirtualService, in the version the API
// server sends a webhook (object.Equivalent). One bound to a gateway routes
// that gateway's hosts: Istio merges the routes of every namespace's
// VirtualServices for one host on one gateway, so a team's names another
// team's host as an Ingress or an HTTPRoute would on a shared controller.
func VirtualServiceKind() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: paveobject.IstioNetworking, Version: "v1", Kind: mesh.KindVirtualService}
}

// isVirtualService reports whether u is a VirtualService of any version.
func isVirtualService(u *unstructured.Unstructured) bool {
	gvk := u.GroupVersionKind()
	return gvk.Group == paveobject.IstioNetworking && gvk.Kind == mesh.KindVirtualService
}

// GatewayHosts are the hosts a VirtualService routes on the gateways it
// binds to, lowercased, each once: a name without a dot is a Service of its
// own namespace, as Istio reads it (mesh.ResolveHost), and "*" is CatchAll
// (every host of the gateways' servers that no other VirtualService names:
// Envoy picks an exact host over a wildcard). ok is false for another
// object, for a VirtualService bound only to the sidecars, which routes no
// gateway's hosts (the mesh-routes rule judges those), and for one kept to
// its namespace (spec.exportTo): only a gateway of its own namespace, the
// team's alone, uses it.
func GatewayHosts(u *unstructured.Unstructured) (hosts []string, ok bool) {
	if !isVirtualService(u) {
		return nil, false
	}
	gateways, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "gateways")
	exportTo, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "exportTo")
	if !mesh.BoundToGateways(gateways) || mesh.KeptToNamespace(exportTo, u.GetNamespace()) {
		return nil, false
	}
	written, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "hosts")
	raw := make([]string, 0, len(written))
	for _, h := range written {
		if h, ok := GatewayHost(h, u.GetNamespace()); ok {
			raw = append(raw, h)
		}
	}
	return unique(raw, true), true
}

// GatewayHost is the host a VirtualService of namespace routes on a
// gateway by a host it writes (GatewayHosts); false for an empty one.
func GatewayHost(written, namespace string) (string, bool) {
	h := strings.ToLower(strings.TrimSpace(written))
	switch h {
	case "":
		return "", false
	case "*":
		return CatchAll, true
	}
	return mesh.ResolveHost(h, namespace), true
}
