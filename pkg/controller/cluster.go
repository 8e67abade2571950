package controller

import (
	"context"
	"errors"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/webhook"
)

// Cluster keeps the engine's cluster-scoped objects (the namespace label
// guard) in step with the policy: applied on every policy swap and when one
// of them changes, pruned when the policy no longer wants them. They follow
// from the policy alone, so they have no owner; the managed-by label finds
// them.
type Cluster struct {
	Client  client.Client
	Engines *webhook.Engines
	Log     logr.Logger
	// Metrics counts what is applied; nil counts nothing.
	Metrics *metrics.Pave
	// Managed are the kinds the cluster generators write (and the cluster
	// serves).
	Managed []schema.GroupVersionKind
	// Applied remembers what was applied, to skip applying it again; nil
	// applies every object on every reconcile.
	Applied *Applied
	// Resync delivers an event each time a new policy is in force.
	Resync <-chan event.GenericEvent
}

// the one request the reconciler handles: the cluster as a whole.
var clusterRequest = reconcile.Request{}

// SetupWithManager watches policy swaps and the objects it made.
func (c *Cluster) SetupWithManager(mgr ctrl.Manager) error {
	one := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{clusterRequest}
	})
	b := ctrl.NewControllerManagedBy(mgr).Named("cluster-objects").WatchesRawSource(source.Channel(c.Resync, one))
	for _, gvk := range c.Managed {
		b = b.Watches(CacheObject(gvk), one)
	}
	return b.Complete(c)
}

// Reconcile implements reconcile.Reconciler.
func (c *Cluster) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	eng := c.Engines.Load()
	if eng == nil {
		return reconcile.Result{Requeue: true}, nil
	}
	want, err := eng.GenerateCluster(ctx)
	if err != nil {
		return reconcile.Result{}, err
	}
	keep, failed := applyAll(ctx, c.Client, nil, schema.GroupVersionKind{}, want, c.Managed, c.Applied, c.Metrics, nil)
	if err := prune(ctx, c.Client, "", nil, c.Managed, keep, func(kind, name string) {
		c.Log.Info("deleted: the policy no longer wants it", "kind", kind, "name", name)
	}); err != nil {
		failed = append(failed, err)
	}
	return reconcile.Result{}, errors.Join(failed...)
}
