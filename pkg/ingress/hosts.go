package ingress

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/mesh"
)

// CatchAll stands for the traffic no host of any Ingress matches: what a
// rule without a host, or an Ingress with only a default backend, routes
// on the shared controller.
const CatchAll = ""

// ServerAlias is ingress-nginx's annotation of further host names for an
// Ingress's server: hosts it routes as much as its rules' are.
const ServerAlias = "nginx.ingress.kubernetes.io/server-alias"

// ExternalDNSHostname is external-dns's annotation of further names it
// publishes for an Ingress, pointing at the ingress controller's address:
// a claim on the name in DNS, whoever's Ingress routes it.
const ExternalDNSHostname = "external-dns.alpha.kubernetes.io/hostname"

// HostAnnotations are the annotations of an Ingress that name hosts beside
// its rules, in the order Hosts reads them.
var HostAnnotations = [...]string{ServerAlias, ExternalDNSHostname}

// Hosts are the hosts an Ingress routes, lowercased, each once, in order:
// its rules' hosts, CatchAll for a rule without one or a default backend
// without rules, then the names its annotations add (HostAnnotations).
func Hosts(ing *networkingv1.Ingress) []string {
	raw := make([]string, 0, len(ing.Spec.Rules)+1)
	for _, r := range ing.Spec.Rules {
		raw = append(raw, r.Host)
	}
	if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend != nil {
		raw = append(raw, CatchAll)
	}
	return unique(append(raw, annotatedHosts(ing)...), true)
}

// annotatedHosts are the names of an Ingress's HostAnnotations, as
// written, blank ones left out.
func annotatedHosts(ing *networkingv1.Ingress) []string {
	return namesIn(ing.Annotations, HostAnnotations[:])
}

// HostAnnotation is the annotation of an Ingress that names host (as
// Hosts has it), or "".
func HostAnnotation(ing *networkingv1.Ingress, host string) string {
	return keyNaming(ing.Annotations, HostAnnotations[:], host)
}

// namesIn are the comma-separated names of annotations' keys, in order,
// as a rule would write them (annotatedName), blank ones left out.
func namesIn(annotations map[string]string, keys []string) []string {
	var out []string
	for _, key := range keys {
		for name := range strings.SplitSeq(annotations[key], ",") {
			if name = annotatedName(name); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// keyNaming is the first of keys whose annotation names host (lowercased,
// as Hosts has it), or "".
func keyNaming(annotations map[string]string, keys []string, host string) string {
	for _, key := range keys {
		for name := range strings.SplitSeq(annotations[key], ",") {
			if strings.ToLower(annotatedName(name)) == host {
				return key
			}
		}
	}
	return ""
}

// annotatedName is a name of a host annotation as a rule would write it:
// without spaces, or the final dot of a fully qualified name (external-dns
// takes both).
func annotatedName(name string) string {
	return strings.TrimSuffix(strings.TrimSpace(name), ".")
}

// Route hosts come in three families that never share traffic: Ingresses
// (the ingress controller's), Gateway API routes (a Gateway's), and Istio
// VirtualServices bound to gateways (an Istio gateway's). A fourth,
// FamilyDNS, is the names external-dns publishes for Services: not routed
// by any of them, but a claim on the name whichever routes it.
const (
	FamilyIngress = "Ingress"
	FamilyGateway = "Gateway"
	FamilyIstio   = "Istio"
	FamilyDNS     = "DNS"
)

// Families are every family of hosts, FamilyDNS last.
func Families() []string {
	return []string{FamilyIngress, FamilyGateway, FamilyIstio, FamilyDNS}
}

// RouteKinds are the kinds of GatewayKinds.
func RouteKinds() []schema.GroupVersionKind {
	kinds := GatewayKinds()
	out := make([]schema.GroupVersionKind, len(kinds))
	for i, k := range kinds {
		out[i] = k.GVK
	}
	return out
}

// WatchedKinds are the kinds besides Ingress whose hosts pave judges:
// RouteKinds and Istio's VirtualService. An adapter's cache indexes each
// once the cluster serves it, which it may start to do while pave runs.
func WatchedKinds() []schema.GroupVersionKind {
	return append(RouteKinds(), VirtualServiceKind())
}

// RouteList is an empty list of one of WatchedKinds for a client to fill
// (a VirtualService's unstructured: pave links no Istio API); nil for any
// other kind.
func RouteList(kind string) client.ObjectList {
	if kind == mesh.KindVirtualService {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(VirtualServiceKind().GroupVersion().WithKind(mesh.KindVirtualService + "List"))
		return list
	}
	for _, k := range GatewayKinds() {
		if k.GVK.Kind == kind {
			return k.NewList()
		}
	}
	return nil
}

// Kinds are the kinds whose hosts pave judges: Ingress and WatchedKinds.
func Kinds() []schema.GroupVersionKind {
	return append([]schema.GroupVersionKind{networkingv1.SchemeGroupVersion.WithKind("Ingress")}, WatchedKinds()...)
}

// KindOf is the kind of an Ingress, Service or Gateway API route by its Go
// type (objects listed from a cache carry none in their TypeMeta), or of an
// unstructured VirtualService; "" for others.
func KindOf(obj any) string {
	switch o := obj.(type) {
	case *networkingv1.Ingress:
		return "Ingress"
	case *corev1.Service:
		return "Service"
	case *unstructured.Unstructured:
		if isVirtualService(o) {
			return mesh.KindVirtualService
		}
		return ""
	}
	if k, ok := GatewayKindOf(obj); ok {
		return k.GVK.Kind
	}
	return ""
}

// HostsOf is the family and hosts of an Ingress (Hosts), of an object of
// GatewayKinds (a route's RouteHosts, a ListenerSet's ListenerHosts), or of
// a VirtualService bound to a gateway (GatewayHosts); ok is false for other
// objects.
func HostsOf(obj any) (family string, hosts []string, ok bool) {
	switch o := obj.(type) {
	case *networkingv1.Ingress:
		return FamilyIngress, Hosts(o), true
	case *unstructured.Unstructured:
		if hosts, ok := GatewayHosts(o); ok {
			return FamilyIstio, hosts, true
		}
		return "", nil, false
	}
	if k, ok := GatewayKindOf(obj); ok {
		return FamilyGateway, k.ops.hosts(obj), true
	}
	return "", nil, false
}

// Hostnames are the hostnames a Gateway API route of GatewayKinds names,
// as written; ok is false for other objects (a ListenerSet's are its
// listeners').
func Hostnames(obj any) ([]gatewayv1.Hostname, bool) {
	k, ok := GatewayKindOf(obj)
	if !ok {
		return nil, false
	}
	return k.ops.hostnames(obj)
}

// ListenerHosts are the hosts a ListenerSet's listeners take on their
// Gateway: each HTTP, HTTPS or TLS listener's hostname, lowercased, each
// once, and CatchAll for one without (it takes every host on its port). A
// TCP or UDP listener has no hostname to take.
func ListenerHosts(ls *gatewayv1.ListenerSet) []string {
	var raw []string
	for _, l := range ls.Spec.Listeners {
		if host, ok := ListenerHost(l); ok {
			raw = append(raw, host)
		}
	}
	return unique(raw, true)
}

// ListenerHost is the host one listener takes, lowercased: its hostname,
// or CatchAll without one; ok is false for a TCP or UDP listener, which
// takes traffic by port alone.
func ListenerHost(l gatewayv1.ListenerEntry) (host string, ok bool) {
	switch l.Protocol {
	case gatewayv1.HTTPProtocolType, gatewayv1.HTTPSProtocolType, gatewayv1.TLSProtocolType:
	default:
		return "", false
	}
	if l.Hostname == nil {
		return CatchAll, true
	}
	return strings.ToLower(strings.TrimSpace(string(*l.Hostname))), true
}

// RouteHosts are the hosts a Gateway API route routes: its hostnames,
// lowercased, each once; CatchAll when it names none, since it then takes
// every host of the listeners it attaches to.
func RouteHosts(hostnames []gatewayv1.Hostname) []string {
	if len(hostnames) == 0 {
		return []string{CatchAll}
	}
	raw := make([]string, len(hostnames))
	for i, h := range hostnames {
		raw[i] = string(h)
	}
	return unique(raw, true)
}

// Overlap reports whether a request for one host could be routed by an
// Ingress of the other: the same host, or a wildcard and a host it covers
// (a wildcard covers exactly one label, as the Ingress API defines it).
// Either side takes traffic from the other: an exact host wins over the
// wildcard that covers it.
func Overlap(a, b string) bool {
	return a == b || covers(a, b) || covers(b, a)
}

func covers(wildcard, host string) bool {
	suffix, ok := strings.CutPrefix(wildcard, "*")
	if !ok || !strings.HasPrefix(suffix, ".") {
		return false
	}
	label, ok := strings.CutSuffix(host, suffix)
	return ok && label != "" && !strings.Contains(label, ".")
}

// IndexKeys are the keys an Ingress, route or Service is found by
// (IndexHost): each host it routes or publishes (Indexed), and for a host
// with a parent domain the wildcard that would cover it, so that
// LookupKeys finds both sides of every Overlap.
func IndexKeys(obj any) []string {
	_, hosts, _ := Indexed(obj)
	var keys []string
	for _, h := range hosts {
		keys = append(keys, h)
		if w, ok := wildcardOver(h); ok && !slices.Contains(keys, w) {
			keys = append(keys, w)
		}
	}
	return keys
}

// LookupKeys are the index keys under which every Ingress whose hosts
// could Overlap host is found (with some that do not: a host's siblings
// under its wildcard key).
func LookupKeys(host string) []string {
	if w, ok := wildcardOver(host); ok {
		return []string{host, w}
	}
	return []string{host}
}

// wildcardOver is the wildcard host that covers h, if h is an exact host
// with a parent domain.
func wildcardOver(h string) (string, bool) {
	if strings.HasPrefix(h, "*") {
		return "", false
	}
	_, parent, ok := strings.Cut(h, ".")
	if !ok || parent == "" {
		return "", false
	}
	return "*." + parent, true
}

// IndexHost is the name of the cache index of Ingresses, routes and
// Services by IndexKeys.
const IndexHost = "pave.dev/ingress-host"
