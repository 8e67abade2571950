package environment

import (
	"context"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/storage"
)

// Cluster reads the cluster through a reader that must be cache-backed: the
// webhook and the controller never make a live request per object.
type Cluster struct {
	Reader client.Reader
	// Live is asked for a namespace the cache has not seen yet (one created
	// a moment before the objects in it, as kubectl apply and helm
	// --create-namespace do), as the API server's own namespace admission
	// asks: without it such a request failed closed with "not found". Nil:
	// the cache's answer stands.
	Live client.Reader
	// Routes are the Gateway API route kinds the reader's cache holds
	// indexed by host; nil, none.
	Routes *RouteKinds
}

// NamespaceLabels implements Source.
// It reads the cached Namespace without the deep copy a cache read makes
// (of all its metadata, on every admission) and copies only its labels: the
// cache's own map never leaves here.
func (c Cluster) NamespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	var ns corev1.Namespace
	err := c.Reader.Get(ctx, client.ObjectKey{Name: name}, &ns, client.UnsafeDisableDeepCopy)
	if apierrors.IsNotFound(err) && c.Live != nil {
		err = c.Live.Get(ctx, client.ObjectKey{Name: name}, &ns)
	}
	if err != nil {
		return nil, err
	}
	return maps.Clone(ns.Labels), nil
}

// Exceptions implements Source.
func (c Cluster) Exceptions(ctx context.Context, namespaces []string) ([]v1alpha1.PolicyException, error) {
	var out []v1alpha1.PolicyException
	for _, ns := range namespaces {
		var list v1alpha1.PolicyExceptionList
		if err := c.Reader.List(ctx, &list, client.InNamespace(ns)); err != nil {
			return nil, err
		}
		out = append(out, list.Items...)
	}
	return out, nil
}

// IndexCanaryOf indexes Deployments by their pave.dev/canary-of, so that
// finding a Deployment's canary reads its canaries, not its whole
// namespace (which made each reconcile cost as much as the namespace is
// large). The adapter registers it on its cache (CanaryOfIndex).
const IndexCanaryOf = "pave.dev/canary-of"

// CanaryOfIndex is the index function of IndexCanaryOf.
func CanaryOfIndex(o client.Object) []string {
	if v := o.GetAnnotations()[v1alpha1.AnnotationCanaryOf]; v != "" {
		return []string{v}
	}
	return nil
}

// Canaries implements Source, from the IndexCanaryOf index.
func (c Cluster) Canaries(ctx context.Context, namespace, stable string) ([]appsv1.Deployment, error) {
	var list appsv1.DeploymentList
	if err := c.Reader.List(ctx, &list, client.InNamespace(namespace), client.MatchingFields{IndexCanaryOf: stable}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// Quotas implements Source.
func (c Cluster) Quotas(ctx context.Context, namespace string) ([]corev1.ResourceQuota, error) {
	var list corev1.ResourceQuotaList
	if err := c.Reader.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// Budgets implements Source, from the cache without copying the budgets:
// the engine only reads them.
func (c Cluster) Budgets(ctx context.Context, namespace string) ([]policyv1.PodDisruptionBudget, error) {
	var list policyv1.PodDisruptionBudgetList
	if err := c.Reader.List(ctx, &list, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// StorageClasses implements Source.
func (c Cluster) StorageClasses(ctx context.Context) ([]storagev1.StorageClass, error) {
	var list storagev1.StorageClassList
	if err := c.Reader.List(ctx, &list); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// UnreservedVolumes implements Source, from the cache (which keeps what
// storage.VolumeFit keeps of a volume) without copying the volumes.
func (c Cluster) UnreservedVolumes(ctx context.Context) ([]corev1.PersistentVolume, error) {
	var list corev1.PersistentVolumeList
	if err := c.Reader.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	var out []corev1.PersistentVolume
	for i := range list.Items {
		if storage.Unreserved(&list.Items[i]) {
			out = append(out, list.Items[i])
		}
	}
	return out, nil
}

// PriorityClasses implements Source, from the cache without copying them.
func (c Cluster) PriorityClasses(ctx context.Context) ([]schedulingv1.PriorityClass, error) {
	var list schedulingv1.PriorityClassList
	if err := c.Reader.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// Routing implements Source, from the ingress.IndexHost index of each
// kind of the family. Gateway API routes and VirtualServices are read only
// where the adapter indexed them (Routes); while a kind is missing, each
// ask for routes tells the adapter to look for it again
// (RouteKinds.Asked).
func (c Cluster) Routing(ctx context.Context, family, key string) ([]client.Object, error) {
	var lists []client.ObjectList
	switch family {
	case ingress.FamilyIngress:
		lists = []client.ObjectList{&networkingv1.IngressList{}}
	case ingress.FamilyGateway:
		lists = c.watched(ingress.RouteKinds()...)
	case ingress.FamilyIstio:
		lists = c.watched(ingress.VirtualServiceKind())
	case ingress.FamilyDNS:
		return c.publishing(ctx, key)
	}
	var out []client.Object
	for _, list := range lists {
		// Without a copy: the hosts are only read, and an Ingress of many
		// hosts is found under each of them.
		if err := c.Reader.List(ctx, list, client.MatchingFields{ingress.IndexHost: key}, client.UnsafeDisableDeepCopy); err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			out = append(out, item.(client.Object))
		}
	}
	return out, nil
}

// publishing are the Services found under key (ingress.IndexHost), which
// the adapter caches as their metadata alone (ingress.ServiceMetadata).
func (c Cluster) publishing(ctx context.Context, key string) ([]client.Object, error) {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ServiceList"))
	if err := c.Reader.List(ctx, list, client.MatchingFields{ingress.IndexHost: key}, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	out := make([]client.Object, len(list.Items))
	for i := range list.Items {
		out[i] = ingress.ServiceOfMetadata(&list.Items[i])
	}
	return out, nil
}

// watched are the lists of the kinds the adapter indexed (Routes); a kind
// it has not indexed yet tells it to look again (RouteKinds.Asked).
func (c Cluster) watched(kinds ...schema.GroupVersionKind) []client.ObjectList {
	var lists []client.ObjectList
	for _, gvk := range kinds {
		if !c.Routes.Has(gvk.Kind) {
			c.Routes.Asked()
			continue
		}
		lists = append(lists, ingress.RouteList(gvk.Kind))
	}
	return lists
}

// Static is what the CLI knows: namespaces from its input and flags,
// exceptions from its policy file, Deployments from its input.
type Static struct {
	// Namespaces holds the labels of namespaces by name. DefaultLabels are
	// those of a namespace it does not hold (pave check --namespace-labels).
	Namespaces    map[string]map[string]string
	DefaultLabels map[string]string
	// PolicyExceptions are every exception the CLI read, wherever it lives.
	PolicyExceptions []v1alpha1.PolicyException
	// DeploymentsByNamespace are the input's Deployments that may be canaries.
	DeploymentsByNamespace map[string][]appsv1.Deployment
	// BudgetsByNamespace are the input's PodDisruptionBudgets.
	BudgetsByNamespace map[string][]policyv1.PodDisruptionBudget
	// Classes are the input's StorageClasses.
	Classes []storagev1.StorageClass
	// Priorities are the input's PriorityClasses.
	Priorities []schedulingv1.PriorityClass
	// InputRouting are the input's Ingresses, Gateway API routes and
	// Services that publish names, each with its namespace, by family and
	// index key (IndexRouting).
	InputRouting map[string][]client.Object
	// IstioRulesByNamespace are the input's VirtualServices and
	// DestinationRules (IstioRuleOf) by namespace.
	IstioRulesByNamespace map[string][]policy.IstioRule
}

// IndexRouting indexes Ingresses, Gateway API routes and Services as the
// cluster's cache does (ingress.IndexKeys), once: looking each lookup up
// among all of them made pave check quadratic in an input's Ingresses.
func IndexRouting(objs []client.Object) map[string][]client.Object {
	idx := map[string][]client.Object{}
	for _, o := range objs {
		family, _, ok := ingress.Indexed(o)
		if !ok {
			continue
		}
		for _, key := range ingress.IndexKeys(o) {
			idx[family+"/"+key] = append(idx[family+"/"+key], o)
		}
	}
	return idx
}

// NamespaceLabels implements Source.
func (s Static) NamespaceLabels(_ context.Context, name string) (map[string]string, error) {
	if l, ok := s.Namespaces[name]; ok {
		return l, nil
	}
	return s.DefaultLabels, nil
}

// Exceptions implements Source. The engine honours only those in the
// namespaces the policy trusts, as in the cluster.
func (s Static) Exceptions(context.Context, []string) ([]v1alpha1.PolicyException, error) {
	return s.PolicyExceptions, nil
}

// Canaries implements Source.
func (s Static) Canaries(_ context.Context, namespace, stable string) ([]appsv1.Deployment, error) {
	var out []appsv1.Deployment
	for _, d := range s.DeploymentsByNamespace[namespace] {
		if d.Annotations[v1alpha1.AnnotationCanaryOf] == stable {
			out = append(out, d)
		}
	}
	return out, nil
}

// Quotas implements Source: offline there is no usage to judge against.
func (s Static) Quotas(context.Context, string) ([]corev1.ResourceQuota, error) { return nil, nil }

// Budgets implements Source: the input's.
func (s Static) Budgets(_ context.Context, namespace string) ([]policyv1.PodDisruptionBudget, error) {
	return s.BudgetsByNamespace[namespace], nil
}

// StorageClasses implements Source.
func (s Static) StorageClasses(context.Context) ([]storagev1.StorageClass, error) {
	return s.Classes, nil
}

// UnreservedVolumes implements Source: offline the cluster's volumes are
// unknown, and a volume in the input has no phase yet.
func (s Static) UnreservedVolumes(context.Context) ([]corev1.PersistentVolume, error) {
	return nil, nil
}

// PriorityClasses implements Source: the input's classes. Offline, a
// cluster's default class is known only where the input holds it.
func (s Static) PriorityClasses(context.Context) ([]schedulingv1.PriorityClass, error) {
	return s.Priorities, nil
}

// Routing implements Source: the input's Ingresses or routes under the key.
func (s Static) Routing(_ context.Context, family, key string) ([]client.Object, error) {
	return s.InputRouting[family+"/"+key], nil
}
