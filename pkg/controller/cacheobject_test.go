package controller

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
)

// Every kind pave writes is watched and read as its metadata, but Istio's
// routing rules, whose hosts pave reads of a team's own, and ResourceQuotas,
// whose spec tells pave's own state from their usage, typed as the
// admission handlers read them; and a kind is listed as it is watched, or
// the list would start a second informer.
func TestCompanionsAreCachedAsMetadataButIstioRulesAndQuotas(t *testing.T) {
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	rules := map[schema.GroupVersionKind]bool{}
	for _, gvk := range environment.IstioRuleKinds() {
		rules[gvk] = true
	}
	kinds := slices.Concat(eng.WorkloadKinds(), eng.NamespaceKinds(), eng.ClusterKinds())
	seenRule, seenQuota := false, false
	for _, gvk := range kinds {
		obj, list := CacheObject(gvk), cacheList(gvk)
		if got := obj.GetObjectKind().GroupVersionKind(); got != gvk {
			t.Errorf("%s: object of kind %s", gvk.Kind, got)
		}
		if got := list.GetObjectKind().GroupVersionKind(); got != gvk.GroupVersion().WithKind(gvk.Kind+"List") {
			t.Errorf("%s: list of kind %s", gvk.Kind, got)
		}
		_, metaObj := obj.(*metav1.PartialObjectMetadata)
		_, metaList := list.(*metav1.PartialObjectMetadataList)
		_, wholeObj := obj.(*unstructured.Unstructured)
		_, wholeList := list.(*unstructured.UnstructuredList)
		_, typedObj := obj.(*corev1.ResourceQuota)
		_, typedList := list.(*corev1.ResourceQuotaList)
		switch {
		case gvk.Kind == "ResourceQuota":
			seenQuota = true
			if !typedObj || !typedList {
				t.Errorf("%s: cached as %T and %T, want typed: its spec is read", gvk.Kind, obj, list)
			}
		case rules[gvk]:
			seenRule = true
			if !wholeObj || !wholeList {
				t.Errorf("%s: cached as %T and %T, want unstructured: a team's hosts are read from it", gvk.Kind, obj, list)
			}
		case !metaObj || !metaList:
			t.Errorf("%s: cached as %T and %T, want its metadata only", gvk.Kind, obj, list)
		}
	}
	if !seenQuota {
		t.Errorf("no ResourceQuota among the kinds pave writes (%v): the test checks nothing of it", kinds)
	}
	if !seenRule {
		t.Errorf("no Istio routing rule among the kinds pave writes (%v): the test checks nothing of them", kinds)
	}
}
