package controller

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// watchesIstioRules reports whether pave writes Istio's routing objects
// here: then a team's own ones change what it writes.
func (c *Companions) watchesIstioRules() bool {
	for _, gvk := range environment.IstioRuleKinds() {
		if !slices.Contains(c.Managed, gvk) {
			return false
		}
	}
	return true
}

// teamIstioRules puts into env the team's VirtualServices and
// DestinationRules of w's service, for pave's to step aside from
// (mesh.TeamRules), and tells the team on w when they do.
func (c *Companions) teamIstioRules(ctx context.Context, obj client.Object, w *workload.Workload, env *policy.Env) error {
	svc, ok := mesh.ServiceOf(w)
	if !ok || !c.watchesIstioRules() || !env.Policy.Spec.Mesh.Mode.UsesIstio() {
		return nil
	}
	rules, err := c.Env.IstioRules(ctx, env.NamespaceOf(w), svc)
	if err != nil {
		return err
	}
	env.IstioRules = rules
	vs, dr := mesh.TeamRules(w, *env)
	host := mesh.ServiceHost(svc, env.NamespaceOf(w))
	if vs != "" {
		c.Recorder.Eventf(obj, corev1.EventTypeNormal, "TeamVirtualService",
			"VirtualService %s routes %s for the sidecars, and Istio applies one VirtualService per host: pave writes none of its own beside it, so the policy's timeout and retries, and a canary's split, are the team's to set there", vs, host)
	}
	if dr != "" {
		c.Recorder.Eventf(obj, corev1.EventTypeNormal, "TeamDestinationRule",
			"DestinationRule %s sets the traffic policy of %s, and Istio keeps one per host: pave's sets none beside it, so mutual TLS, connection limits and outlier detection are the team's to set there", dr, host)
	}
	return nil
}

// routedWorkloads maps a team's VirtualService or DestinationRule to the
// workloads of the reconciler's kind whose service it names, so pave's
// step aside when it comes, and return when it goes. The namespace's
// workloads are listed once, however many hosts the object names.
func (c *Companions) routedWorkloads(ctx context.Context, o client.Object) []reconcile.Request {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return nil
	}
	r, ok := environment.IstioRuleOf(u)
	if !ok {
		return nil
	}
	ns := u.GetNamespace()
	services := map[string]bool{}
	for _, h := range r.Hosts {
		if svc, ok := mesh.ServiceOfHost(mesh.ResolveHost(h, ns), ns); ok {
			services[svc] = true
		}
	}
	if len(services) == 0 {
		return nil
	}
	list := c.newList()
	if err := c.Client.List(ctx, list, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil { // only their names are read
		c.Log.Error(err, "list the workloads a team's Istio rule names", "namespace", ns, "name", u.GetName())
		return nil
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, item := range items {
		if w, ok := item.(client.Object); ok && services[w.GetLabels()[v1alpha1.LabelName]] {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(w)})
		}
	}
	return out
}
