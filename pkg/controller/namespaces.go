package controller

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crcontroller "sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/webhook"
)

// Namespaces keeps each governed namespace's own objects (those of the
// engine's namespace generators) in step: applied owned by the Namespace, and
// pruned when the policy no longer wants them (the mesh turned off, the
// namespace moved to a zone without it).
type Namespaces struct {
	Client  client.Client
	Engines *webhook.Engines
	// Env builds the environment, as the webhook does.
	Env      environment.Builder
	Recorder record.EventRecorder
	Log      logr.Logger
	// Metrics counts what is applied; nil counts nothing.
	Metrics *metrics.Pave
	// Managed are the kinds the namespace generators write (and the cluster
	// serves).
	Managed []schema.GroupVersionKind
	// Applied remembers what was applied, to skip applying it again; nil
	// applies every object on every reconcile.
	Applied *Applied
	// Skip are namespaces pave never governs (the system namespaces, its
	// own and those the platform excludes), as the webhook configurations
	// exclude them: pave writes nothing for them, and deletes what it wrote
	// for them before.
	Skip []string
	// Resync delivers an event each time a new policy is in force.
	Resync <-chan event.GenericEvent
	// Workers is how many namespaces are reconciled at once (0: one).
	Workers int
	// Pods reads the Pods of a namespace outside its zone, from the API
	// server rather than a cache of every Pod (labelZones); nil labels none.
	Pods client.Reader
}

var namespaceGVK = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}

// SetupWithManager watches Namespaces and the objects they own.
func (n *Namespaces) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).Named("namespaces").For(&corev1.Namespace{}).
		WithOptions(crcontroller.Options{MaxConcurrentReconciles: n.Workers})
	for _, gvk := range n.Managed {
		b = b.Watches(CacheObject(gvk), handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), &corev1.Namespace{}, handler.OnlyControllerOwner()),
			builder.WithPredicates(notQuotaUsage()))
	}
	if n.Resync != nil {
		b = b.WatchesRawSource(source.Channel(n.Resync, handler.EnqueueRequestsFromMapFunc(n.all)))
	}
	return b.Complete(n)
}

func (n *Namespaces) all(ctx context.Context, _ client.Object) []reconcile.Request {
	var list corev1.NamespaceList
	if err := n.Client.List(ctx, &list); err != nil {
		n.Log.Error(err, "list namespaces for resync")
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, ns := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: ns.Name}})
	}
	return out
}

// Reconcile implements reconcile.Reconciler.
func (n *Namespaces) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var ns corev1.Namespace
	if err := n.Client.Get(ctx, req.NamespacedName, &ns); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if ns.DeletionTimestamp != nil {
		return reconcile.Result{}, nil
	}
	eng := n.Engines.Load()
	if eng == nil {
		return reconcile.Result{Requeue: true}, nil
	}
	var want []engine.Object // none where pave does not govern: what it made there before goes
	var env *policy.Env
	if !slices.Contains(n.Skip, ns.Name) {
		e, err := n.Env.Env(ctx, eng.Policy(), environment.Request{Namespace: ns.Name})
		if err != nil {
			return reconcile.Result{}, err
		}
		if want, err = eng.GenerateNamespace(ctx, e); err != nil {
			return reconcile.Result{}, err
		}
		env = &e
		if label := quota.UnknownTier(e); label != "" && n.Recorder != nil {
			// The quota written is the fallback's: say so on the
			// Namespace, since nothing else would.
			n.Recorder.Eventf(&ns, corev1.EventTypeWarning, "UnknownTier", "label %s=%s names no tier of the policy (%s), so the namespace gets %s: label it with one of them, or add the tier to the policy's spec.tiers.tiers",
				v1alpha1.LabelTier, label, strings.Join(policy.TierNames(e.Policy.Spec), ", "), policy.TierFallback(e.Policy.Spec))
		}
	}
	keep, failed := applyAll(ctx, n.Client, &ns, namespaceGVK, want, n.Managed, n.Applied, n.Metrics, n.Recorder)
	if env != nil {
		labelled, err := n.labelZones(ctx, ns.Name, *env)
		if err != nil {
			failed = append(failed, err)
		}
		if labelled > 0 && n.Recorder != nil {
			pods := "Pods"
			if labelled == 1 {
				pods = "Pod"
			}
			n.Recorder.Eventf(&ns, corev1.EventTypeNormal, "PodsJoinedZone", "labelled %d running %s with the zone they are in (%s), which their zone's network policies select them by", labelled, pods, v1alpha1.LabelZone)
		}
	}
	for _, where := range append([]string{ns.Name}, eng.NamespaceTargets()...) {
		if err := prune(ctx, n.Client, where, &ns, n.Managed, keep, deletedEvent(n.Recorder, &ns)); err != nil {
			failed = append(failed, err)
		}
	}
	return reconcile.Result{}, errors.Join(failed...)
}
