package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/pave-dev/pave/pkg/controller"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

// unservedKinds asks discovery, once at start, which of the kinds the
// engine's generators write or its mutators consult the cluster does not
// serve, and says so: pave leaves those out (restart it after installing
// Istio, Cilium or the prometheus-operator), and falls back where it can
// (scrape annotations for a PodMonitor).
func unservedKinds(cfg *rest.Config, c engine.Companions, log logr.Logger) ([]schema.GroupVersionKind, error) {
	// The generators and their kinds are the same under every policy.
	eng, err := engine.Default(policy.Default(), c)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	out := environment.Unserved(dc, eng.Kinds())
	for _, gvk := range out {
		log.Info("kind not served; pave leaves it out, or falls back where it can (scrape annotations for a PodMonitor)", "kind", gvk.String())
	}
	return out, nil
}

// setupCompanions starts the reconcilers of the objects the engine's
// generators describe: one per workload kind for the workload-scoped kinds,
// and one for namespaces. The kinds come from the generators themselves; of
// those, only the ones the cluster serves are watched (watching a kind the API
// server does not know would keep the manager from starting).
func setupCompanions(mgr ctrl.Manager, engines *pavewebhook.Engines, env environment.Builder, watcher *policyWatcher, o options, m *metrics.Pave, log logr.Logger) error {
	eng, err := engine.Default(policy.Default(), watcher.companions)
	if err != nil {
		return err
	}
	servedOnly := func(kinds []schema.GroupVersionKind) []schema.GroupVersionKind {
		return slices.DeleteFunc(slices.Clone(kinds), func(gvk schema.GroupVersionKind) bool { return slices.Contains(env.Unserved, gvk) })
	}
	// Pruning reads each owner's companions from the cache by this index.
	indexed := map[schema.GroupVersionKind]bool{}
	for _, gvk := range servedOnly(slices.Concat(eng.WorkloadKinds(), eng.NamespaceKinds(), eng.ClusterKinds())) {
		if indexed[gvk] {
			continue
		}
		indexed[gvk] = true
		if err := mgr.GetFieldIndexer().IndexField(context.Background(), controller.CacheObject(gvk), controller.IndexOwner, controller.OwnerIndex); err != nil {
			return fmt.Errorf("index %s by owner: %w", gvk.Kind, err)
		}
	}
	// A workload's reconcile finds the team's own routing of its service
	// by this index (environment.IstioRules).
	for _, gvk := range servedOnly(environment.IstioRuleKinds()) {
		if !indexed[gvk] {
			continue // pave writes none: nothing steps aside
		}
		if err := mgr.GetFieldIndexer().IndexField(context.Background(), controller.CacheObject(gvk), environment.IndexIstioHost, environment.IstioHostIndex); err != nil {
			return fmt.Errorf("index %s by host: %w", gvk.Kind, err)
		}
	}
	applied := controller.NewApplied() // one for every reconciler: each object has one writer
	if served := servedOnly(eng.WorkloadKinds()); len(served) > 0 {
		for _, kind := range workload.ServedKinds() {
			c := &controller.Companions{Client: mgr.GetClient(), Engines: engines, Env: env, Kind: kind, Managed: served, Applied: applied, Resync: watcher.subscribe(), Metrics: m, Workers: o.reconcileWorkers,
				Skip:     o.ungoverned(), // never governed, as the webhook configurations exclude them
				Recorder: mgr.GetEventRecorderFor("pave"), Log: log.WithName(kind)}
			if err := c.SetupWithManager(mgr); err != nil {
				return fmt.Errorf("companion controller for %s: %w", kind, err)
			}
		}
		log.Info("reconciling workload companions", "kinds", len(served))
	}
	if served := servedOnly(eng.NamespaceKinds()); len(served) > 0 {
		n := &controller.Namespaces{Client: mgr.GetClient(), Engines: engines, Env: env, Managed: served, Applied: applied, Resync: watcher.subscribe(), Metrics: m,
			Skip: o.ungoverned(), Workers: o.reconcileWorkers, Recorder: mgr.GetEventRecorderFor("pave"), Log: log.WithName("namespaces"),
			Pods: mgr.GetAPIReader()}
		if err := n.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("namespace controller: %w", err)
		}
		log.Info("reconciling namespace objects", "kinds", len(served))
	}
	if served := servedOnly(eng.ClusterKinds()); len(served) > 0 {
		c := &controller.Cluster{Client: mgr.GetClient(), Engines: engines, Managed: served, Applied: applied, Resync: watcher.subscribe(), Metrics: m, Log: log.WithName("cluster")}
		if err := c.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("cluster objects controller: %w", err)
		}
		log.Info("reconciling cluster objects", "kinds", len(served))
	}
	return nil
}
