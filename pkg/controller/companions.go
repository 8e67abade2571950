// Package controller keeps the companion objects the engine describes in step
// with the workloads they belong to, with server-side apply. It never takes
// part in admission: a slow or failing apply only delays the companions.
package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
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
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

// FieldManager is the server-side apply field manager of every object pave writes.
const FieldManager = "pave"

// Companions reconciles one kind of workload: it applies what the engine
// generates for it, owned by it (so the garbage collector removes them with
// it), and deletes pave-made objects it no longer wants.
type Companions struct {
	Client  client.Client
	Engines *webhook.Engines
	// Env builds the environment, as the webhook does.
	Env      environment.Builder
	Recorder record.EventRecorder
	Log      logr.Logger
	// Metrics counts what is applied; nil counts nothing.
	Metrics *metrics.Pave
	// Kind is the workload kind (Deployment, StatefulSet, DaemonSet).
	Kind string
	// Managed are the kinds the workload generators write (and the cluster
	// serves), for watching and pruning.
	Managed []schema.GroupVersionKind
	// Applied remembers what was applied, to skip applying it again; nil
	// applies every companion on every reconcile.
	Applied *Applied
	// Clock is the time canary steps are judged by; nil is the wall clock.
	Clock func() time.Time
	// Resync, when set, delivers an event each time a new policy is in force:
	// every workload of the kind is reconciled again, so companions follow the
	// policy (and ones it no longer wants are deleted) without a workload change.
	Resync <-chan event.GenericEvent
	// Workers is how many workloads are reconciled at once (0: one). Each
	// object has one writer, its owner's reconcile, and controller-runtime
	// never reconciles one workload twice at once, so workers never race.
	Workers int
	// Skip are namespaces pave never governs, as the webhook configurations
	// exclude them: their workloads get no companions, and those pave made
	// there before are deleted. A zone's NetworkPolicy on pave's own
	// admission pods would keep the API server from calling them.
	Skip []string
}

// SetupWithManager watches the workload kind and the companions it owns, so a
// companion a user deletes comes back.
func (c *Companions) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).Named("companions-"+c.Kind).For(c.newObject(), builder.WithPredicates(companionInputsChanged(), governedOrFirstListed(c.Skip))).
		WithOptions(crcontroller.Options{MaxConcurrentReconciles: c.Workers})
	for _, gvk := range c.Managed {
		b = b.Watches(CacheObject(gvk), handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), c.newObject(), handler.OnlyControllerOwner()),
			builder.WithPredicates(notOwnWrite(c.Applied)))
	}
	if c.Kind == "Deployment" {
		b = b.Watches(&appsv1.Deployment{}, handler.EnqueueRequestsFromMapFunc(stableOf), builder.WithPredicates(companionInputsChanged(), governedOrFirstListed(c.Skip)))
	}
	if c.watchesIstioRules() {
		for _, gvk := range environment.IstioRuleKinds() {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(gvk)
			b = b.Watches(u, handler.EnqueueRequestsFromMapFunc(c.routedWorkloads))
		}
	}
	if c.Resync != nil {
		b = b.WatchesRawSource(source.Channel(c.Resync, handler.EnqueueRequestsFromMapFunc(c.all)))
	}
	return b.Complete(c)
}

// all lists every workload of the kind, for a resync after a policy change.
// It reads the typed list, from the informer the reconciler watches its kind
// with: an unstructured list would start a second informer of every
// workload, watched as JSON and decoded into maps on every status update.
func (c *Companions) all(ctx context.Context, _ client.Object) []reconcile.Request {
	list := c.newList()
	if err := c.Client.List(ctx, list); err != nil {
		c.Log.Error(err, "list for resync")
		return nil
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		c.Log.Error(err, "list for resync")
		return nil
	}
	out := make([]reconcile.Request, 0, len(items))
	for _, item := range items {
		if o, ok := item.(client.Object); ok {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(o)})
		}
	}
	return out
}

// Reconcile implements reconcile.Reconciler.
func (c *Companions) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	obj := c.newObject()
	if err := c.Client.Get(ctx, req.NamespacedName, obj); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err) // owner references clean up after it
	}
	if obj.GetDeletionTimestamp() != nil {
		return reconcile.Result{}, nil
	}
	if slices.Contains(c.Skip, req.Namespace) {
		return reconcile.Result{}, prune(ctx, c.Client, req.Namespace, obj, c.Managed, kept{}, deletedEvent(c.Recorder, obj))
	}
	eng := c.Engines.Load()
	if eng == nil {
		return reconcile.Result{Requeue: true}, nil
	}
	w, err := workload.New(obj.(runtime.Object))
	if err != nil {
		return reconcile.Result{}, err
	}
	env, err := c.Env.Env(ctx, eng.Policy(), environment.Request{Namespace: req.Namespace})
	if err != nil {
		return reconcile.Result{}, err
	}
	var result reconcile.Result
	if _, isCanary, _ := mesh.CanaryOf(w); isCanary {
		if result, err = c.progressCanary(ctx, obj, w); err != nil {
			return result, err
		}
	} else {
		if err := c.canaryOf(ctx, obj, &env); err != nil {
			return reconcile.Result{}, err
		}
		if err := c.teamIstioRules(ctx, obj, w, &env); err != nil {
			return reconcile.Result{}, err
		}
	}
	want, err := eng.Generate(ctx, w, env)
	if err != nil {
		return reconcile.Result{}, err
	}
	gvk := schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: c.Kind}
	keep, failed := applyAll(ctx, c.Client, obj, gvk, want, c.Managed, c.Applied, c.Metrics, c.Recorder)
	if err := prune(ctx, c.Client, req.Namespace, obj, c.Managed, keep, deletedEvent(c.Recorder, obj)); err != nil {
		failed = append(failed, err)
	}
	return result, errors.Join(failed...)
}

// applyAll applies every wanted object, owned by owner (nil: none), and
// returns what pruning must keep and what failed. One object that cannot be
// applied (Velero's namespace missing, say) holds back neither the others
// nor the pruning: it is reported, kept, and retried with the rest. With a
// recorder, a failure, or a companion that says it is not ready, becomes an
// event on the owner. A companion as pave last applied it (memo) is not
// applied again.
func applyAll(ctx context.Context, c client.Client, owner client.Object, ownerGVK schema.GroupVersionKind,
	want []engine.Object, managed []schema.GroupVersionKind, memo *Applied, m *metrics.Pave, rec record.EventRecorder) (kept, []error) {
	keep := kept{}
	var failed []error
	for _, o := range want {
		// A kind the cluster does not serve is not managed: applying it
		// would fail on every reconcile (pave said at start that it leaves
		// it out).
		kind := o.GetObjectKind().GroupVersionKind()
		if !slices.Contains(managed, kind) {
			continue
		}
		keep.add(o)
		obj, err := desired(owner, ownerGVK, o)
		var s stateSum
		if err == nil {
			cached, exists := inCache(ctx, c, obj)
			var same bool
			if s, same = memo.current(obj, cached); same || inPlace(obj, cached) {
				m.CompanionUnchanged(kind.Kind)
				continue
			}
			err = write(ctx, c, obj, exists)
		}
		// obj is now as the API server stored it, status included.
		if err == nil && len(notReady(obj)) == 0 {
			memo.record(obj, s)
		} else if obj != nil {
			memo.forget(obj)
		}
		m.Companion(kind.Kind, err)
		if err != nil {
			failed = append(failed, fmt.Errorf("apply %s: %w", engine.Describe(o), err))
		}
		if rec == nil || owner == nil {
			continue
		}
		if err != nil {
			rec.Eventf(owner, corev1.EventTypeWarning, "CompanionApplyFailed", "%s: %v", engine.Describe(o), err)
		} else {
			reportNotReady(rec, owner, obj)
		}
	}
	return keep, failed
}

// desired is o as pave server-side-applies it, owned (controller reference)
// by owner when there is one: the garbage collector deletes it with its owner.
func desired(owner client.Object, ownerGVK schema.GroupVersionKind, o engine.Object) (*unstructured.Unstructured, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{Object: u}
	unstructured.RemoveNestedField(obj.Object, "status")
	unstructured.RemoveNestedField(obj.Object, "metadata", "creationTimestamp")
	if owner != nil {
		yes := true
		obj.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: ownerGVK.GroupVersion().String(), Kind: ownerGVK.Kind,
			Name: owner.GetName(), UID: owner.GetUID(), Controller: &yes, BlockOwnerDeletion: &yes}})
	}
	return obj, nil
}

// IndexOwner indexes companions by the UID of their controlling owner, so
// that pruning reads one owner's objects (OwnerIndex registers it).
const IndexOwner = "pave.dev/owner-uid"

// OwnerIndex is the index function of IndexOwner.
func OwnerIndex(o client.Object) []string {
	if ref := metav1.GetControllerOf(o); ref != nil {
		return []string{string(ref.UID)}
	}
	return nil
}

// kept names the generated objects a reconcile wants, by kind and name.
type kept map[string]bool

func (k kept) add(o engine.Object) {
	k[o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetName()] = true
}

// prune deletes the objects of the managed kinds in namespace ("" for
// cluster-scoped kinds) that pave made and no longer wants (the mesh turned
// off, a canary finished): those owner controls, or, with no owner, every one
// pave labelled. deleted hears of each.
func prune(ctx context.Context, c client.Client, namespace string, owner client.Object,
	managed []schema.GroupVersionKind, want kept, deleted func(kind, name string)) error {
	opts := []client.ListOption{client.InNamespace(namespace), client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}}
	if owner != nil {
		// Only the owner's: read from the cache's index, not the whole
		// namespace's companions on every reconcile.
		opts = append(opts, client.MatchingFields{IndexOwner: string(owner.GetUID())})
	}
	for _, gvk := range managed {
		list := cacheList(gvk)
		if err := c.List(ctx, list, opts...); err != nil {
			return err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return err
		}
		for _, o := range items {
			item, ok := o.(client.Object)
			if !ok {
				continue
			}
			if (owner != nil && !metav1.IsControlledBy(item, owner)) || want[gvk.Kind+"/"+item.GetName()] {
				continue
			}
			if err := c.Delete(ctx, item); err != nil && !apierrors.IsNotFound(err) {
				return err
			}
			deleted(gvk.Kind, item.GetName())
		}
	}
	return nil
}

// deletedEvent reports a pruned object with an event on its owner.
func deletedEvent(rec record.EventRecorder, owner client.Object) func(kind, name string) {
	return func(kind, name string) {
		rec.Eventf(owner, corev1.EventTypeNormal, "CompanionDeleted", "%s %s is no longer wanted", kind, name)
	}
}
