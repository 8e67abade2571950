package ingress

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// KindListenerSet is Gateway API's ListenerSet.
const KindListenerSet = "ListenerSet"

// GatewayKind is one Gateway API kind whose hosts pave judges, with what
// the adapters need of it. An entry of GatewayKinds is all a new kind
// takes: its listing, its kind by Go type, its hosts and the cache's cut of
// it follow from the entry (object.Decode keeps its own list of the types
// it decodes, which a test holds to this one).
type GatewayKind struct {
	// GVK is the kind's group, version and kind.
	GVK schema.GroupVersionKind

	ops kindOps
}

// New is an empty object of the kind.
func (k GatewayKind) New() client.Object { return k.ops.new() }

// NewList is an empty list of the kind, for a client to fill.
func (k GatewayKind) NewList() client.ObjectList { return k.ops.newList() }

// kindOps is what pave reads of an object of one kind, by its Go type.
type kindOps interface {
	new() client.Object
	newList() client.ObjectList
	is(obj any) bool
	// hostnames are a route's spec.hostnames as written; ok is false for
	// a ListenerSet, whose hostnames are its listeners'.
	hostnames(obj any) (names []gatewayv1.Hostname, ok bool)
	hosts(obj any) []string
	slim(obj any, keep Keep) client.Object
}

// GatewayKinds are the Gateway API kinds whose hostnames pave judges: the
// routes (a TLSRoute's hostnames are the SNI names it takes on a
// passthrough or terminating listener, the same hosts as an HTTPRoute's on
// the same Gateway), and ListenerSet, whose listeners a shared Gateway takes
// on for their hostnames when it admits other namespaces'
// (spec.allowedListeners).
func GatewayKinds() []GatewayKind {
	return []GatewayKind{
		entry[*gatewayv1.HTTPRoute, *gatewayv1.HTTPRouteList]("HTTPRoute",
			func(r *gatewayv1.HTTPRoute) []gatewayv1.Hostname { return r.Spec.Hostnames }, nil,
			func(r *gatewayv1.HTTPRoute, keep Keep) *gatewayv1.HTTPRoute {
				return &gatewayv1.HTTPRoute{ObjectMeta: keep(r.ObjectMeta), Spec: gatewayv1.HTTPRouteSpec{Hostnames: r.Spec.Hostnames}}
			}),
		entry[*gatewayv1.GRPCRoute, *gatewayv1.GRPCRouteList]("GRPCRoute",
			func(r *gatewayv1.GRPCRoute) []gatewayv1.Hostname { return r.Spec.Hostnames }, nil,
			func(r *gatewayv1.GRPCRoute, keep Keep) *gatewayv1.GRPCRoute {
				return &gatewayv1.GRPCRoute{ObjectMeta: keep(r.ObjectMeta), Spec: gatewayv1.GRPCRouteSpec{Hostnames: r.Spec.Hostnames}}
			}),
		entry[*gatewayv1.TLSRoute, *gatewayv1.TLSRouteList]("TLSRoute",
			func(r *gatewayv1.TLSRoute) []gatewayv1.Hostname { return r.Spec.Hostnames }, nil,
			func(r *gatewayv1.TLSRoute, keep Keep) *gatewayv1.TLSRoute {
				return &gatewayv1.TLSRoute{ObjectMeta: keep(r.ObjectMeta), Spec: gatewayv1.TLSRouteSpec{Hostnames: r.Spec.Hostnames}}
			}),
		entry[*gatewayv1.ListenerSet, *gatewayv1.ListenerSetList](KindListenerSet, nil, ListenerHosts,
			func(ls *gatewayv1.ListenerSet, keep Keep) *gatewayv1.ListenerSet {
				// A listener's protocol says whether it takes a host.
				listeners := make([]gatewayv1.ListenerEntry, len(ls.Spec.Listeners))
				for i, l := range ls.Spec.Listeners {
					listeners[i] = gatewayv1.ListenerEntry{Hostname: l.Hostname, Protocol: l.Protocol}
				}
				return &gatewayv1.ListenerSet{ObjectMeta: keep(ls.ObjectMeta), Spec: gatewayv1.ListenerSetSpec{Listeners: listeners}}
			}),
	}
}

// Keep is what a cache keeps of an object's metadata.
type Keep = func(metav1.ObjectMeta) metav1.ObjectMeta

// GatewayKindOf is the entry of GatewayKinds of obj's Go type; ok is false
// for any other object.
func GatewayKindOf(obj any) (k GatewayKind, ok bool) {
	for _, k := range GatewayKinds() {
		if k.ops.is(obj) {
			return k, true
		}
	}
	return GatewayKind{}, false
}

// Slim is obj cut down to what keep keeps of its metadata and what HostsOf
// reads of it (a route's hostnames, a ListenerSet's listeners' hostnames
// and protocols): what an adapter's cache keeps. ok is false for objects
// not of GatewayKinds.
func Slim(obj any, keep Keep) (slim client.Object, ok bool) {
	k, ok := GatewayKindOf(obj)
	if !ok {
		return nil, false
	}
	return k.ops.slim(obj, keep), true
}

// entry is the entry of kind, of Go type PT listed as PL: a route's hosts
// are its hostnames (names, read by RouteHosts), a ListenerSet's all those
// of its listeners (all); cut is the cache's cut of it (Slim).
func entry[PT interface {
	*T
	client.Object
}, PL interface {
	*L
	client.ObjectList
}, T, L any](kind string, names func(PT) []gatewayv1.Hostname, all func(PT) []string, cut func(PT, Keep) PT) GatewayKind {
	return GatewayKind{GVK: gatewayv1.SchemeGroupVersion.WithKind(kind), ops: ops[PT, PL, T, L]{names: names, all: all, cut: cut}}
}

// ops are the kindOps of an entry.
type ops[PT interface {
	*T
	client.Object
}, PL interface {
	*L
	client.ObjectList
}, T, L any] struct {
	names func(PT) []gatewayv1.Hostname
	all   func(PT) []string
	cut   func(PT, Keep) PT
}

func (o ops[PT, PL, T, L]) new() client.Object { return PT(new(T)) }

func (o ops[PT, PL, T, L]) newList() client.ObjectList { return PL(new(L)) }

func (o ops[PT, PL, T, L]) is(obj any) bool { _, ok := obj.(PT); return ok }

func (o ops[PT, PL, T, L]) hostnames(obj any) ([]gatewayv1.Hostname, bool) {
	if o.names == nil {
		return nil, false
	}
	return o.names(obj.(PT)), true
}

func (o ops[PT, PL, T, L]) hosts(obj any) []string {
	if o.names != nil {
		return RouteHosts(o.names(obj.(PT)))
	}
	return o.all(obj.(PT))
}

func (o ops[PT, PL, T, L]) slim(obj any, keep Keep) client.Object { return o.cut(obj.(PT), keep) }
