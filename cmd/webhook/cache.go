package main

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/workload"
)

// companionMetadata is the cache's transform: managed fields go from every
// object, an unstructured one (a VirtualService or DestinationRule, the
// only companions not watched as metadata alone: controller.CacheObject)
// keeps only its identity and metadata, a team's own VirtualService or
// DestinationRule its identity, labels and the hosts and gateways it
// configures (istioRuleSpec: the controller's and the ingress-host rule's),
// and a Gateway API route its hostnames (ingress.Slim). The controller
// applies companions whole with server-side apply and reads them back only
// to watch and prune, which the metadata serves; their specs (a
// dashboard's JSON, a VirtualService's routes) were most of the
// controller's memory at 10,000 workloads.
func companionMetadata(obj any) (any, error) {
	if slim, ok := ingress.Slim(obj, identity); ok {
		return slim, nil
	}
	if m, ok := obj.(*metav1.PartialObjectMetadata); ok {
		return watchedMetadata(m), nil
	}
	obj, err := cache.TransformStripManagedFields()(obj)
	if o, ok := obj.(metav1.Object); ok && err == nil {
		// kubectl apply's copy of the manifest as written, which nothing
		// of pave reads: on a workload the controller caches whole it was
		// a second manifest per workload.
		if a := o.GetAnnotations(); a != nil {
			if _, ok := a[corev1.LastAppliedConfigAnnotation]; ok {
				delete(a, corev1.LastAppliedConfigAnnotation)
				o.SetAnnotations(a)
			}
		}
	}
	if u, ok := obj.(*unstructured.Unstructured); ok && err == nil {
		kept := map[string]any{"apiVersion": u.GetAPIVersion(), "kind": u.GetKind()}
		if m, ok := u.Object["metadata"]; ok {
			kept["metadata"] = m
		}
		if spec := istioRuleSpec(u); spec != nil {
			// A team's: not pruned or owned by pave, so its identity and
			// labels are all that is read (a kubectl-applied one carries
			// its whole spec again in an annotation).
			kept["spec"] = spec
			kept["metadata"] = ruleMetadata(u)
		}
		u.Object = kept
	}
	return obj, err
}

// companionInputs is the controller's cache transform of the workloads it
// reconciles: what their companions are made of (workload.CompanionInputs).
// A workload may carry a template of up to the API server's 1.5 MB, and
// the built-in tiers bound how many a namespace holds, not how large each
// is; cached whole, 10,000 workloads were most of the controller's memory.
// The background audit, which judges all of a workload, lists them from
// the API server instead (audit.Scanner).
func companionInputs(obj any) (any, error) {
	if o, ok := obj.(runtime.Object); ok {
		if w, err := workload.New(o); err == nil {
			workload.CompanionInputs(w)
		}
	}
	return obj, nil
}

// watchedMetadata is what the cache keeps of an object watched as metadata
// alone (controller.CacheObject: pave's companions, and every team's
// object of the same kinds, a NetworkPolicy or a PrometheusRule): who it
// is, its version, whether it is going, pave's label and its controller,
// which is all that watching and pruning read. A team member may write a
// quarter megabyte of annotations, labels or owner references on each of
// any number of such objects; kept whole, they took the controller's
// memory with them (finding 70).
func watchedMetadata(m *metav1.PartialObjectMetadata) *metav1.PartialObjectMetadata {
	kept := &metav1.PartialObjectMetadata{TypeMeta: m.TypeMeta, ObjectMeta: identity(m.ObjectMeta)}
	if v, ok := m.Labels[v1alpha1.LabelManagedBy]; ok {
		kept.Labels = map[string]string{v1alpha1.LabelManagedBy: v}
	}
	if ref := metav1.GetControllerOfNoCopy(m); ref != nil {
		kept.OwnerReferences = []metav1.OwnerReference{*ref}
	}
	return kept
}

// teamsOnly is the admission role's selector of the kinds its cache holds
// beyond byObject (the Gateway API routes and VirtualServices indexed once
// the cluster serves them): those pave did not write. pave writes a
// VirtualService for every meshed workload, and its own route none of a
// gateway's hosts; 10,000 of them were 17 MiB of an admission replica's
// heap, whose budget is 24 MiB. The kinds of byObject are read whole (pave's
// own ResourceQuotas and PodDisruptionBudgets count), so each is given every
// label here; the rule ingress-host refuses pave's label on a route, which
// would keep it out of the cache.
func teamsOnly(byObject map[client.Object]cache.ByObject) labels.Selector {
	for obj, by := range byObject {
		if by.Label == nil {
			by.Label = labels.Everything()
			byObject[obj] = by
		}
	}
	notPaves, _ := labels.NewRequirement(v1alpha1.LabelManagedBy, selection.NotEquals, []string{v1alpha1.ManagedByPave})
	return labels.NewSelector().Add(*notPaves)
}

// ingressHosts is the cache's transform of Ingresses: their identity and
// what ingress.Hosts reads (rules' hosts, a lone default backend, the
// annotations that name hosts), nothing else (an Ingress's paths, TLS and
// annotations would be memory the admission server never reads).
func ingressHosts(obj any) (any, error) {
	ing, ok := obj.(*networkingv1.Ingress)
	if !ok {
		return obj, nil
	}
	kept := &networkingv1.Ingress{ObjectMeta: identity(ing.ObjectMeta)}
	// Each host once, and no more than ingress.MaxHosts rules' hosts and as
	// many aliases: rule ingress-host refuses more, but an Ingress made
	// before pave, or while its webhook failed open, may hold thousands,
	// and the cache must not take the server down (security.md, finding 69).
	// The annotations that name hosts (a server alias, the names
	// external-dns publishes) are hosts the Ingress routes as much as its
	// rules' are, and are bounded the same way.
	kept.Annotations = boundedNames(ing.Annotations, ingress.HostAnnotations[:])
	seen := map[string]bool{}
	for _, r := range ing.Spec.Rules {
		if !seen[r.Host] && len(seen) < ingress.MaxHosts {
			seen[r.Host] = true
			kept.Spec.Rules = append(kept.Spec.Rules, networkingv1.IngressRule{Host: r.Host})
		}
	}
	if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend != nil {
		kept.Spec.DefaultBackend = &networkingv1.IngressBackend{}
	}
	return kept, nil
}

// publishedNames is the cache's transform of Services, which it holds as
// their metadata alone (ingress.ServiceMetadata): their identity and the
// names external-dns publishes for them (ingress.PublishedHosts), bounded
// as an Ingress's hosts are, nothing else. Most Services name none, and
// are kept as their identity alone: the rules ingress-host,
// certificate-host and dns-host ask who published a name.
func publishedNames(obj any) (any, error) {
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok {
		return obj, nil
	}
	kept := &metav1.PartialObjectMetadata{TypeMeta: m.TypeMeta, ObjectMeta: identity(m.ObjectMeta)}
	kept.Annotations = boundedNames(m.Annotations, ingress.PublishedHostAnnotations[:])
	return kept, nil
}

// boundedNames are the annotations of keys that annotations has, each cut
// to the first ingress.MaxHosts names of its comma-separated list, blank
// ones left out as the rules leave them out (a list padded with commas
// keeps its names), or nil: a rule refuses more, but an object made
// before pave, or while its webhook failed open, may hold thousands, and
// the cache must not take the server down (security.md, finding 69).
func boundedNames(annotations map[string]string, keys []string) map[string]string {
	var kept map[string]string
	for _, key := range keys {
		list, ok := annotations[key]
		if !ok {
			continue
		}
		names := make([]string, 0, 1)
		for name := range strings.SplitSeq(list, ",") {
			if name = strings.TrimSpace(name); name != "" && len(names) < ingress.MaxHosts {
				names = append(names, name)
			}
		}
		if kept == nil {
			kept = map[string]string{}
		}
		kept[key] = strings.Join(names, ",")
	}
	return kept
}

// namespaceLabels is the cache's transform of Namespaces: their identity
// and labels, all that pave reads of one (policy.Namespace, the zones and
// tiers in use). Where teams may create namespaces, a team member could
// otherwise write a quarter megabyte of annotations on each of any number
// of them into every replica's memory.
func namespaceLabels(obj any) (any, error) {
	ns, ok := obj.(*corev1.Namespace)
	if !ok {
		return obj, nil
	}
	kept := &corev1.Namespace{ObjectMeta: identity(ns.ObjectMeta)}
	kept.Labels = ns.Labels
	return kept, nil
}

// budgetSpec is the cache's transform of PodDisruptionBudgets: their
// identity and spec, which rule disruption-budget-replicas reads, and not
// their labels, annotations or status. The edit role writes them, and a
// team member could fill each with a quarter of a megabyte of annotations
// (finding 69). A selector of more than maxBudgetTerms labels and values is
// not kept either (the budget then selects nothing here): the rule only
// warns, and no real budget selects its pods so.
func budgetSpec(obj any) (any, error) {
	pdb, ok := obj.(*policyv1.PodDisruptionBudget)
	if !ok {
		return obj, nil
	}
	kept := &policyv1.PodDisruptionBudget{ObjectMeta: identity(pdb.ObjectMeta), Spec: pdb.Spec}
	if sel := pdb.Spec.Selector; sel != nil {
		terms := len(sel.MatchLabels)
		for _, e := range sel.MatchExpressions {
			terms += 1 + len(e.Values)
		}
		if terms > maxBudgetTerms {
			kept.Spec.Selector = nil
		}
	}
	return kept, nil
}

// maxBudgetTerms bounds the selector of a PodDisruptionBudget the cache
// keeps (budgetSpec).
const maxBudgetTerms = 64

// managedConfigMaps is the unstructured ConfigMap the companion reconcilers
// watch, as the cache keys it.
func managedConfigMaps() client.Object {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
	return u
}

// identity is what the host index keeps of an object's metadata: who it is,
// its version, and whether it is going.
func identity(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion, DeletionTimestamp: m.DeletionTimestamp}
}

// ruleMetadata is what the cache keeps of the metadata of a team's
// VirtualService or DestinationRule: who it is, its version, its labels
// (environment.IstioRuleOf reads pave's), and whether it is going.
func ruleMetadata(u *unstructured.Unstructured) map[string]any {
	m, _ := u.Object["metadata"].(map[string]any)
	kept := map[string]any{}
	for _, f := range []string{"name", "namespace", "uid", "resourceVersion", "deletionTimestamp", "labels"} {
		if v, ok := m[f]; ok {
			kept[f] = v
		}
	}
	return kept
}

// istioRuleSpec is what the cache keeps of the spec of a VirtualService or
// DestinationRule pave did not write: the fields environment.IstioRuleOf
// reads, and of a traffic policy or workload selector only that it is
// there. Nil for any other object.
func istioRuleSpec(u *unstructured.Unstructured) map[string]any {
	if _, ok := environment.IstioRuleOf(u); !ok {
		return nil
	}
	spec, _ := u.Object["spec"].(map[string]any)
	kept := map[string]any{}
	for _, f := range environment.IstioRuleSpec() {
		v, ok := spec[f]
		if !ok {
			continue
		}
		if _, isMap := v.(map[string]any); isMap {
			v = map[string]any{}
		}
		if list, isList := v.([]any); isList && len(list) > ingress.MaxHosts {
			v = list[:ingress.MaxHosts] // as an Ingress's hosts, above
		}
		kept[f] = v
	}
	return kept
}
