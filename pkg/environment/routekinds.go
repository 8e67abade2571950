package environment

import (
	"slices"
	"sync/atomic"
)

// RouteKinds are the kinds of ingress.WatchedKinds (Gateway API's
// HTTPRoute, GRPCRoute and TLSRoute, Istio's VirtualService) an adapter's
// cache holds indexed by host. The set grows while the adapter runs: a kind the
// cluster starts to serve later (Gateway API or Istio installed after
// pave) joins once its informer has synced, so that a route is never
// judged against a cache still filling. Safe for concurrent use; the zero
// value holds no kind and wants none.
type RouteKinds struct {
	kinds atomic.Pointer[[]string]
	want  chan struct{}
}

// NewRouteKinds returns an empty set whose Asked reaches Wanted.
func NewRouteKinds() *RouteKinds { return &RouteKinds{want: make(chan struct{}, 1)} }

// Has reports whether kind is indexed.
func (r *RouteKinds) Has(kind string) bool {
	if r == nil {
		return false
	}
	p := r.kinds.Load()
	return p != nil && slices.Contains(*p, kind)
}

// Add records that kind is indexed and synced.
func (r *RouteKinds) Add(kind string) {
	for {
		old := r.kinds.Load()
		var next []string
		if old != nil {
			if slices.Contains(*old, kind) {
				return
			}
			next = slices.Clone(*old)
		}
		next = append(next, kind)
		if r.kinds.CompareAndSwap(old, &next) {
			return
		}
	}
}

// Asked tells the adapter that a route was judged while some route kind is
// not indexed: the API server sent a route, so its kind may be served now.
// It never blocks; asks while one is pending are one ask.
func (r *RouteKinds) Asked() {
	if r == nil || r.want == nil {
		return
	}
	select {
	case r.want <- struct{}{}:
	default:
	}
}

// Wanted receives an ask (Asked).
func (r *RouteKinds) Wanted() <-chan struct{} { return r.want }
