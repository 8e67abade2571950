package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

// policyWatcher compiles the PlatformPolicy named "default" (or the built-in
// policy when there is none) and swaps it into the handlers. A policy that does
// not compile leaves the previous one in force (after a restart, the last
// accepted one kept in its status) and says so in its status and an event;
// pavewebhook.Decide decides.
type policyWatcher struct {
	client   client.Client
	engines  *pavewebhook.Engines
	log      logr.Logger
	recorder record.EventRecorder
	metrics  *metrics.Pave
	// companions are the generators the engines are compiled with: none in
	// an admission-only server.
	companions engine.Companions
	// writeStatus: only the controller writes the policy's status and
	// events; admission replicas compile it and read the last accepted
	// spec from it.
	writeStatus bool
	// ungoverned are the namespaces the webhooks never judge: their zone
	// labels deny nothing.
	ungoverned []string
	// current is the policy in force, nil until one is.
	current atomic.Pointer[pavewebhook.InForce]
	// swapped receive an event after each new policy is in force (the
	// companion controllers resync); sends never block.
	swapped []chan event.GenericEvent
}

// subscribe returns a channel that hears of every policy swap.
func (p *policyWatcher) subscribe() <-chan event.GenericEvent {
	ch := make(chan event.GenericEvent, 1)
	p.swapped = append(p.swapped, ch)
	return ch
}

func (p *policyWatcher) notify() {
	for _, ch := range p.swapped {
		select {
		case ch <- event.GenericEvent{Object: &v1alpha1.PlatformPolicy{}}:
		default: // a resync is already pending
		}
	}
}

func (p *policyWatcher) setup(mgr ctrl.Manager) error {
	// The first load runs once the caches have synced, whether or not a policy
	// object exists (no object, no event for the controller below).
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		if !mgr.GetCache().WaitForCacheSync(ctx) {
			return errors.New("caches did not sync")
		}
		if _, err := p.Reconcile(ctx, reconcile.Request{}); err != nil {
			p.log.Error(err, "first policy load failed; the platformpolicy controller retries")
		}
		<-ctx.Done()
		return nil
	})); err != nil {
		return err
	}
	// A spec refused for a zone or tier namespaces are in is decided again
	// when a namespace's zone or tier label changes.
	changed := func(before, after map[string]string) bool {
		return slices.ContainsFunc([]string{v1alpha1.LabelZone, v1alpha1.LabelTier}, func(k string) bool { return before[k] != after[k] })
	}
	labelChanged := predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return false }, // a new namespace leaves nothing out
		// A namespace leaves its zone and tier when it is being deleted,
		// not only once it is gone.
		UpdateFunc: func(e event.UpdateEvent) bool {
			return changed(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels()) ||
				(e.ObjectOld.GetDeletionTimestamp() == nil && e.ObjectNew.GetDeletionTimestamp() != nil)
		},
		DeleteFunc:  func(e event.DeleteEvent) bool { return changed(e.Object.GetLabels(), nil) },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
	return ctrl.NewControllerManagedBy(mgr).Named("platformpolicy").For(&v1alpha1.PlatformPolicy{}).
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
			return []reconcile.Request{{}} // one policy: the request names nothing
		}), builder.WithPredicates(labelChanged)).
		Complete(p)
}

// inUse maps each value of the governed namespaces' zone and tier labels to
// the namespaces that carry it. A namespace being deleted makes no more Pods.
func (p *policyWatcher) inUse(ctx context.Context) (policy.InUse, error) {
	var list corev1.NamespaceList
	if err := p.client.List(ctx, &list); err != nil {
		return policy.InUse{}, fmt.Errorf("list namespaces: %w", err)
	}
	out := policy.InUse{Zones: map[string][]string{}, Tiers: map[string][]string{}}
	for _, ns := range list.Items {
		if ns.DeletionTimestamp != nil || slices.Contains(p.ungoverned, ns.Name) {
			continue
		}
		if zone := ns.Labels[v1alpha1.LabelZone]; zone != "" {
			out.Zones[zone] = append(out.Zones[zone], ns.Name)
		}
		if tier := ns.Labels[v1alpha1.LabelTier]; tier != "" {
			out.Tiers[tier] = append(out.Tiers[tier], ns.Name)
		}
	}
	return out, nil
}

// Reconcile implements reconcile.Reconciler.
func (p *policyWatcher) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	var obj *v1alpha1.PlatformPolicy
	var stored v1alpha1.PlatformPolicy
	switch err := p.client.Get(ctx, client.ObjectKey{Name: "default"}, &stored); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return reconcile.Result{}, fmt.Errorf("read PlatformPolicy default: %w", err)
	default:
		obj = &stored
	}
	inUse, err := p.inUse(ctx)
	if err != nil {
		return reconcile.Result{}, err
	}
	start := time.Now()
	d, err := pavewebhook.Decide(obj, p.current.Load(), p.companions, inUse)
	took := time.Since(start)
	if err != nil {
		return reconcile.Result{}, err
	}
	if d.Rejected != nil {
		p.log.Error(d.Rejected, "policy rejected", "generation", obj.Generation, "inForce", describe(d.InForce))
	}
	if d.Rejected != nil && p.writeStatus {
		p.recorder.Eventf(obj, "Warning", "PolicyRejected", "generation %d rejected: %v; in force: %s", obj.Generation, d.Rejected, describe(d.InForce))
	}
	if d.InForce != nil && d.InForce != p.current.Load() {
		p.current.Store(d.InForce)
		p.engines.StoreGeneration(d.InForce.Engine, d.InForce.Generation)
		p.metrics.PolicyInForce(d.InForce.Generation, took)
		p.notify()
		p.log.Info("policy in force", "policy", d.InForce.Describe())
	}
	if p.writeStatus && obj != nil && !equality.Semantic.DeepEqual(obj.Status, d.Status) {
		patch := client.MergeFrom(obj.DeepCopy())
		obj.Status = d.Status
		if err := p.client.Status().Patch(ctx, obj, patch); err != nil {
			return reconcile.Result{}, fmt.Errorf("write PlatformPolicy status: %w", err)
		}
	}
	return reconcile.Result{}, nil
}

func describe(f *pavewebhook.InForce) string {
	if f == nil {
		return "none: pave refuses admission until the policy is fixed"
	}
	return f.Describe()
}

// ready reports whether a policy is in force. Without one pave stays unready
// (the validating webhook fails closed) rather than serve defaults the
// platform team never chose.
func (p *policyWatcher) ready(*http.Request) error {
	if p.current.Load() == nil {
		return errors.New("no policy in force: see the status of PlatformPolicy default")
	}
	return nil
}
