package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

// policyWatcher compiles the PlatformPolicy named "default" (or the built-in
// policy when there is none) and swaps it into the handlers. A policy that does
// not compile leaves the previous one in force and says why in an event.
type policyWatcher struct {
	client   client.Client
	engines  *pavewebhook.Engines
	log      logr.Logger
	recorder record.EventRecorder
	loaded   atomic.Bool
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
			return err
		}
		<-ctx.Done()
		return nil
	})); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).Named("platformpolicy").For(&v1alpha1.PlatformPolicy{}).Complete(p)
}

// Reconcile implements reconcile.Reconciler.
func (p *policyWatcher) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	var obj v1alpha1.PlatformPolicy
	pol := policy.Default()
	source := "built-in policy"
	switch err := p.client.Get(ctx, client.ObjectKey{Name: "default"}, &obj); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return reconcile.Result{}, fmt.Errorf("read PlatformPolicy default: %w", err)
	default:
		compiled, err := policy.FromSpec(obj.Spec)
		if err != nil {
			p.reject(&obj, err)
			return reconcile.Result{}, nil
		}
		pol, source = compiled, fmt.Sprintf("PlatformPolicy default (generation %d)", obj.Generation)
	}
	eng, err := engine.Default(pol)
	if err != nil {
		p.reject(&obj, err)
		return reconcile.Result{}, nil
	}
	p.engines.Store(eng)
	p.loaded.Store(true)
	p.notify()
	p.log.Info("policy in force", "source", source)
	return reconcile.Result{}, nil
}

func (p *policyWatcher) reject(obj *v1alpha1.PlatformPolicy, err error) {
	p.log.Error(err, "policy rejected; the previous one stays in force")
	p.recorder.Eventf(obj, "Warning", "PolicyRejected", "pave keeps the previous policy: %v", err)
	if p.engines.Load() == nil { // nothing to fall back on: serve the built-in policy
		if eng, e := engine.Default(policy.Default()); e == nil {
			p.engines.Store(eng)
			p.loaded.Store(true)
		}
	}
}

func (p *policyWatcher) ready(*http.Request) error {
	if !p.loaded.Load() {
		return errors.New("policy not loaded yet")
	}
	return nil
}
