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

// istioKinds are the companion kinds the mesh generator writes.
var istioKinds = []schema.GroupVersionKind{
	{Group: "networking.istio.io", Version: "v1", Kind: "DestinationRule"},
	{Group: "networking.istio.io", Version: "v1", Kind: "VirtualService"},
	{Group: "security.istio.io", Version: "v1", Kind: "PeerAuthentication"},
}

// setupCompanions starts the companion reconcilers when the cluster serves
// the Istio kinds. Without them there is nothing to apply, and watching kinds
// the API server does not know would keep the manager from starting; pave says
// so and serves admission as usual (restart it after installing Istio).
func setupCompanions(mgr ctrl.Manager, engines *pavewebhook.Engines, log logr.Logger) error {
	dc, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	for _, gvk := range istioKinds {
		resources, err := dc.ServerResourcesForGroupVersion(gvk.GroupVersion().String())
		found := false
		if err == nil {
			for _, r := range resources.APIResources {
				found = found || r.Kind == gvk.Kind
			}
		}
		if !found {
			log.Info("Istio CRDs not served; mesh companion objects are not reconciled", "missing", gvk.String())
			return nil
		}
	}
	for _, kind := range []string{"Deployment", "StatefulSet", "DaemonSet"} {
		c := &controller.Companions{Client: mgr.GetClient(), Engines: engines, Kind: kind, Managed: istioKinds,
			Recorder: mgr.GetEventRecorderFor("pave"), Log: log.WithName(kind)}
		if err := c.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("companion controller for %s: %w", kind, err)
		}
	}
	log.Info("reconciling mesh companion objects")
	return nil
}
