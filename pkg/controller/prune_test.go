package controller

import (
	"context"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// Prune deletes what pave made for this owner and no longer wants, reading
// the owner's objects through the owner index: another owner's companions,
// a wanted one and an object pave did not make stay.
func TestPruneDeletesOnlyTheOwnersUnwanted(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	yes := true
	owned := func(name, ownerUID string, managed bool) *networkingv1.NetworkPolicy {
		np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop",
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "x", UID: types.UID(ownerUID), Controller: &yes}}}}
		if managed {
			np.Labels = map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}
		}
		return np
	}
	c := fake.NewClientBuilder().WithScheme(scheme).
		WithIndex(&networkingv1.NetworkPolicy{}, IndexOwner, OwnerIndex).
		WithObjects(owned("wanted", "u1", true), owned("stale", "u1", true), owned("others", "u2", true), owned("teams", "u1", false)).
		Build()
	owner := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "shop", UID: "u1"}}
	var deleted []string
	gvk := networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy")
	err := prune(context.Background(), c, "shop", owner, []schema.GroupVersionKind{gvk}, kept{"NetworkPolicy/wanted": true}, func(kind, name string) { deleted = append(deleted, name) })
	if err != nil {
		t.Fatal(err)
	}
	if len(deleted) != 1 || deleted[0] != "stale" {
		t.Fatalf("deleted %v, want only stale", deleted)
	}
	for _, name := range []string{"wanted", "others", "teams"} {
		if err := c.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: name}, &networkingv1.NetworkPolicy{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
