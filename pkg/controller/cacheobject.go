package controller

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/environment"
)

// CacheObject is the empty object the controller watches, indexes and reads
// a managed kind from the cache as: its metadata only (a metadata-only watch,
// so the API server sends, and the controller decodes, neither spec nor
// status), except Istio's routing rules, watched whole as unstructured,
// because a team's own are read for their hosts (environment.IstioRuleOf).
// Pave reads its companions back only to watch and prune them (owner,
// labels, resourceVersion); what the API server says of an applied one (its
// status) comes with the apply's answer. Until stop 59 every managed kind
// was watched whole as JSON and cut down to its metadata after decoding.
// Watches, indexes and reads of a kind must all use this object: one of
// another type would start a second informer of the kind.
//
// ResourceQuotas are the other exception: read whole and typed, as the
// admission handlers read them (rule quota-headroom), so one informer
// serves both, and its spec tells a change to what pave wrote from the
// usage the API server and the controller-manager write into its status
// at each Pod's and each counted object's creation (inPlace).
func CacheObject(gvk schema.GroupVersionKind) client.Object {
	var obj client.Object = &metav1.PartialObjectMetadata{}
	switch {
	case gvk == quotaGVK:
		obj = &corev1.ResourceQuota{}
	case wholeInCache(gvk):
		obj = &unstructured.Unstructured{}
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj
}

// cacheList is the list CacheObject's kind is listed from the cache as.
func cacheList(gvk schema.GroupVersionKind) client.ObjectList {
	var list client.ObjectList = &metav1.PartialObjectMetadataList{}
	switch {
	case gvk == quotaGVK:
		list = &corev1.ResourceQuotaList{}
	case wholeInCache(gvk):
		list = &unstructured.UnstructuredList{}
	}
	list.GetObjectKind().SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	return list
}

// quotaGVK is the kind of the ResourceQuota pave keeps in each namespace.
var quotaGVK = corev1.SchemeGroupVersion.WithKind("ResourceQuota")

// wholeInCache reports whether the cache holds gvk whole, unstructured:
// Istio's routing rules.
func wholeInCache(gvk schema.GroupVersionKind) bool {
	return slices.Contains(environment.IstioRuleKinds(), gvk)
}
