package main

import (
	"fmt"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/pave-dev/pave/pkg/controller"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

// companionKinds are the kinds the generators write: Istio's for the istio
// and delegate modes, Cilium's for the cilium mode.
var companionKinds = []schema.GroupVersionKind{
	{Group: "networking.istio.io", Version: "v1", Kind: "DestinationRule"},
	{Group: "networking.istio.io", Version: "v1", Kind: "VirtualService"},
	{Group: "security.istio.io", Version: "v1", Kind: "PeerAuthentication"},
	{Group: "cilium.io", Version: "v2", Kind: "CiliumNetworkPolicy"},
}

// setupCompanions starts the companion reconcilers for the companion kinds
// the cluster serves. Watching a kind the API server does not know would keep
// the manager from starting, so the others are left out and pave says so
// (restart it after installing Istio or Cilium); admission is served as usual.
func setupCompanions(mgr ctrl.Manager, engines *pavewebhook.Engines, watcher *policyWatcher, log logr.Logger) error {
	dc, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	var served []schema.GroupVersionKind
	for _, gvk := range companionKinds {
		resources, err := dc.ServerResourcesForGroupVersion(gvk.GroupVersion().String())
		found := false
		if err == nil {
			for _, r := range resources.APIResources {
				found = found || r.Kind == gvk.Kind
			}
		}
		if !found {
			log.Info("kind not served; pave will not reconcile it", "kind", gvk.String())
			continue
		}
		served = append(served, gvk)
	}
	if len(served) == 0 {
		return nil
	}
	for _, kind := range []string{"Deployment", "StatefulSet", "DaemonSet"} {
		c := &controller.Companions{Client: mgr.GetClient(), Engines: engines, Kind: kind, Managed: served, Resync: watcher.subscribe(),
			Recorder: mgr.GetEventRecorderFor("pave"), Log: log.WithName(kind)}
		if err := c.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("companion controller for %s: %w", kind, err)
		}
	}
	log.Info("reconciling companion objects", "kinds", len(served))
	return nil
}
