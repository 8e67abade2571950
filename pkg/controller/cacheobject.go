package controller

import (
	"slices"

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
func CacheObject(gvk schema.GroupVersionKind) client.Object {
	var obj client.Object = &metav1.PartialObjectMetadata{}
	if wholeInCache(gvk) {
		obj = &unstructured.Unstructured{}
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj
}

// cacheList is the list CacheObject's kind is listed from the cache as.
func cacheList(gvk schema.GroupVersionKind) client.ObjectList {
	var list client.ObjectList = &metav1.PartialObjectMetadataList{}
	if wholeInCache(gvk) {
		list = &unstructured.UnstructuredList{}
	}
	list.GetObjectKind().SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	return list
}

// wholeInCache reports whether the cache holds more of gvk than metadata.
func wholeInCache(gvk schema.GroupVersionKind) bool {
	return slices.Contains(environment.IstioRuleKinds(), gvk)
}
