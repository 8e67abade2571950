package check

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/internal/jsondecode"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// builder is the environment of a run, built as the cluster's would be: the
// Namespaces the input defines (others get Options.Env's labels), the
// exceptions of the policy file, the input's StorageClasses, PriorityClasses, PodDisruptionBudgets, Ingresses, routes, VirtualServices,
// DestinationRules and canary Deployments, so a canary and its stable in one input are routed as the
// controller routes them, and two teams' Ingresses (or routes) of one host are found.
// It reads the objects already decoded; of the Deployments, only those that
// name a stable (a cheap look first) are decoded whole.
// An object the input defines twice counts as its last definition (superseded).
func builder(objs []manifest.Object, opts Options) environment.Builder {
	src := environment.Static{
		Namespaces:             map[string]map[string]string{},
		DefaultLabels:          opts.Env.Namespace.Labels,
		PolicyExceptions:       opts.Env.Exceptions,
		DeploymentsByNamespace: map[string][]appsv1.Deployment{},
		BudgetsByNamespace:     map[string][]policyv1.PodDisruptionBudget{},
		IstioRulesByNamespace:  map[string][]policy.IstioRule{},
	}
	var routing []client.Object
	routeKinds := ingress.RouteKinds() // once: every object of the input passes the switch below
	redefined := superseded(objs)
	for i, o := range objs {
		if redefined[i] {
			continue
		}
		switch {
		case o.APIVersion == "v1" && o.Kind == "Namespace":
			var ns corev1.Namespace
			if jsondecode.Unmarshal(o.JSON, &ns) == nil {
				src.Namespaces[ns.Name] = ns.Labels
			}
		case o.APIVersion == "storage.k8s.io/v1" && o.Kind == "StorageClass":
			var sc storagev1.StorageClass
			if jsondecode.Unmarshal(o.JSON, &sc) == nil {
				src.Classes = append(src.Classes, sc)
			}
		case o.APIVersion == "scheduling.k8s.io/v1" && o.Kind == "PriorityClass":
			var pc schedulingv1.PriorityClass
			if jsondecode.Unmarshal(o.JSON, &pc) == nil {
				src.Priorities = append(src.Priorities, pc)
			}
		case o.APIVersion == "policy/v1" && o.Kind == "PodDisruptionBudget":
			var pdb policyv1.PodDisruptionBudget
			if jsondecode.Unmarshal(o.JSON, &pdb) == nil {
				ns := cmp.Or(pdb.Namespace, opts.DefaultNamespace)
				src.BudgetsByNamespace[ns] = append(src.BudgetsByNamespace[ns], pdb)
			}
		case o.APIVersion == "networking.k8s.io/v1" && o.Kind == "Ingress",
			slices.Contains(routeKinds, schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)),
			o.APIVersion == "v1" && o.Kind == "Service" && bytes.Contains(o.JSON, []byte("external-dns.alpha.kubernetes.io/")):
			if obj, err := object.Decode(schema.FromAPIVersionAndKind(o.APIVersion, o.Kind), o.JSON); err == nil {
				if obj.GetNamespace() == "" {
					obj.SetNamespace(opts.DefaultNamespace)
				}
				routing = append(routing, obj)
			}
		case strings.HasPrefix(o.APIVersion, object.IstioNetworking+"/"):
			u := &unstructured.Unstructured{}
			if u.UnmarshalJSON(o.JSON) == nil {
				ns := cmp.Or(u.GetNamespace(), opts.DefaultNamespace)
				if r, ok := environment.IstioRuleOf(u); ok {
					src.IstioRulesByNamespace[ns] = append(src.IstioRulesByNamespace[ns], r)
				}
				if ingress.NamesHosts(u) { // a gateway's VirtualService
					u.SetNamespace(ns)
					routing = append(routing, u)
				}
			}
		case o.APIVersion == "apps/v1" && o.Kind == "Deployment" && bytes.Contains(o.JSON, []byte(v1alpha1.AnnotationCanaryOf)):
			var dep appsv1.Deployment
			if jsondecode.Unmarshal(o.JSON, &dep) == nil {
				ns := cmp.Or(dep.Namespace, opts.DefaultNamespace)
				src.DeploymentsByNamespace[ns] = append(src.DeploymentsByNamespace[ns], dep)
			}
		}
	}
	src.InputRouting = environment.IndexRouting(routing)
	now := opts.Env.Now
	return environment.Builder{Source: src, Now: func() time.Time { return now }}
}

// identity is what names one object in a cluster: two documents of one
// identity are one object, whatever version of its API they are written in.
type identity struct {
	kind      schema.GroupKind
	namespace string
	name      string
}

// superseded marks the objects a later document of the input defines
// again: kubectl apply leaves the cluster with the last, so the environment
// holds only that one (a budget in two files is one budget, not two over
// the same pods). It is nil when the input defines nothing twice, as
// nearly every input does. The objects' namespaces are Run's: none for a
// cluster-scoped kind, the default where a namespaced one names none.
func superseded(objs []manifest.Object) map[int]bool {
	last := make(map[identity]int, len(objs))
	var redefined map[int]bool
	for i, o := range objs {
		if o.Name == "" {
			continue // generateName: a new object each time
		}
		id := identity{kind: schema.FromAPIVersionAndKind(o.APIVersion, o.Kind).GroupKind(), namespace: o.Namespace, name: o.Name}
		if before, ok := last[id]; ok {
			if redefined == nil {
				redefined = map[int]bool{}
			}
			redefined[before] = true
		}
		last[id] = i
	}
	return redefined
}
