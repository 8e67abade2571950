package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-logr/logr"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
)

// indexRoutes indexes Ingresses by host (ingress.IndexKeys), Services by
// the names external-dns publishes for them, and each
// Gateway API route kind and Istio's VirtualService once the cluster
// serves it. The kinds served at start are indexed with the cache, which
// readiness waits for. An informer of a kind the API server does not serve
// would never sync and keep the replica from ever being ready, so a kind
// served later (Gateway API or Istio installed after pave) is indexed by
// routeWatch, while pave runs. The environment it returns reads the routes
// indexed.
func indexRoutes(mgr ctrl.Manager, env environment.Builder, log logr.Logger) (environment.Builder, error) {
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), &networkingv1.Ingress{}, ingress.IndexHost, byHost); err != nil {
		return env, fmt.Errorf("index Ingresses by host: %w", err)
	}
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), ingress.ServiceMetadata(), ingress.IndexHost, byPublished); err != nil {
		return env, fmt.Errorf("index Services by the names they publish: %w", err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
	if err != nil {
		return env, err
	}
	routes := environment.NewRouteKinds()
	w := &routeWatch{mgr: mgr, discovery: dc, routes: routes, indexed: map[schema.GroupVersionKind]bool{}, log: log.WithName("routes")}
	unserved := environment.Unserved(dc, ingress.WatchedKinds())
	for _, gvk := range ingress.WatchedKinds() {
		if slices.Contains(unserved, gvk) {
			log.Info("kind not served; its hostnames are judged once the cluster serves it", "kind", gvk.String())
			w.missing = append(w.missing, gvk)
			continue
		}
		if err := w.index(context.Background(), gvk); err != nil {
			return env, err
		}
		routes.Add(gvk.Kind) // synced with the cache, before the replica is ready
	}
	if c, ok := env.Source.(environment.Cluster); ok {
		c.Routes = routes
		env.Source = c
	}
	if len(w.missing) == 0 {
		return env, nil
	}
	return env, mgr.Add(w)
}

// routeWatch indexes the kinds of ingress.WatchedKinds the cluster did not
// serve at start, once it serves them. It looks when a route is judged
// while a kind is missing (the API server sent one, so its kind may be
// served now; the route that asked is judged against the kinds already
// indexed), and every routeLookEvery besides. A kind joins the environment
// once its informer has synced. It ends when every kind is indexed.
type routeWatch struct {
	mgr       ctrl.Manager
	discovery discovery.ServerResourcesInterface
	routes    *environment.RouteKinds
	missing   []schema.GroupVersionKind
	indexed   map[schema.GroupVersionKind]bool // an index is registered once
	log       logr.Logger
}

// routeLookEvery is how often routeWatch looks without being asked: one
// discovery request a minute, only while a kind is missing.
const routeLookEvery = time.Minute

// NeedLeaderElection implements manager.LeaderElectionRunnable: every
// replica judges routes.
func (w *routeWatch) NeedLeaderElection() bool { return false }

// Start implements manager.Runnable. The manager starts it once the
// caches have started, so an informer made here starts at once.
func (w *routeWatch) Start(ctx context.Context) error {
	tick := time.NewTicker(routeLookEvery)
	defer tick.Stop()
	for len(w.missing) > 0 {
		select {
		case <-ctx.Done():
			return nil
		case <-w.routes.Wanted():
		case <-tick.C:
		}
		w.look(ctx)
	}
	w.log.Info("every route kind is judged")
	return nil
}

// look indexes each missing kind the cluster now serves. A kind that fails
// to index or sync stays missing, for the next look.
func (w *routeWatch) look(ctx context.Context) {
	unserved := environment.Unserved(w.discovery, w.missing)
	for _, gvk := range slices.Clone(w.missing) {
		if slices.Contains(unserved, gvk) {
			continue
		}
		if !w.indexed[gvk] {
			if err := w.index(ctx, gvk); err != nil {
				w.log.Error(err, "route kind served but not indexed; judged without it until the next look", "kind", gvk.String())
				continue
			}
		}
		if err := w.synced(ctx, gvk); err != nil {
			w.log.Error(err, "route kind's cache did not sync; judged without it until the next look", "kind", gvk.String())
			continue
		}
		w.routes.Add(gvk.Kind)
		w.missing = slices.DeleteFunc(w.missing, func(g schema.GroupVersionKind) bool { return g == gvk })
		w.log.Info("route kind served: its hostnames are judged from now on", "kind", gvk.String())
	}
}

// synced waits, a minute at most, until gvk's informer has synced.
func (w *routeWatch) synced(ctx context.Context, gvk schema.GroupVersionKind) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err := w.mgr.GetCache().GetInformer(ctx, w.object(gvk)) // blocks until synced
	return err
}

// index registers the host index of gvk's informer (making the informer:
// before the cache starts, it starts with the cache; after, at once).
func (w *routeWatch) index(ctx context.Context, gvk schema.GroupVersionKind) error {
	if err := w.mgr.GetFieldIndexer().IndexField(ctx, w.object(gvk), ingress.IndexHost, byHost); err != nil {
		return fmt.Errorf("index %ss by host: %w", gvk.Kind, err)
	}
	w.indexed[gvk] = true
	return nil
}

// object is an empty object of gvk for the cache: typed where pave's
// scheme knows the kind (Gateway API's), else unstructured (Istio's: the
// cache then keeps what companionMetadata leaves of it, which is what the
// host index reads).
func (w *routeWatch) object(gvk schema.GroupVersionKind) client.Object {
	if obj, err := w.mgr.GetScheme().New(gvk); err == nil {
		return obj.(client.Object)
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	return u
}

// byHost is the host index of Ingresses and routes (ingress.IndexKeys).
func byHost(o client.Object) []string { return ingress.IndexKeys(o) }

// byPublished is the index function of Services, cached as their metadata
// (ingress.ServiceMetadata): the names external-dns publishes for them.
func byPublished(o client.Object) []string {
	m, ok := o.(*metav1.PartialObjectMetadata)
	if !ok {
		return nil
	}
	return ingress.IndexKeys(ingress.ServiceOfMetadata(m))
}
