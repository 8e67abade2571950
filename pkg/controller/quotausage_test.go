package controller

import (
	"context"
	"maps"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// The usage the API server writes into a namespace's quota is no change to
// pave's quota: a reconcile after it writes nothing, nor does one with a
// fresh memo (a restart) while the quota is as the policy wants it. An edit
// of its spec or its labels is put back. The quota is made by an apply.
func TestQuotaUsageIsNotAChange(t *testing.T) {
	g := newRig(t, "spec: {}")
	writes := map[string]int{}
	counted := func(obj client.Object, err error) error {
		if err == nil {
			writes[obj.GetObjectKind().GroupVersionKind().Kind]++
		}
		return err
	}
	creates := 0
	c := interceptor.NewClient(g.c.(client.WithWatch), interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			if obj.GetObjectKind().GroupVersionKind().Kind == "ResourceQuota" {
				creates++
			}
			return counted(obj, c.Create(ctx, obj, opts...))
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			return counted(obj, c.Patch(ctx, obj, patch, opts...))
		}})
	r := &Namespaces{Client: c, Engines: g.engines, Env: g.r.Env, Log: log.Log, Managed: g.engines.Load().NamespaceKinds(), Applied: NewApplied()}
	ctx := context.Background()
	reconciled := func(what string, want int) {
		t.Helper()
		clear(writes)
		if _, err := r.Reconcile(ctx, reconcile.Request{NamespacedName: types.NamespacedName{Name: "shop"}}); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if writes["ResourceQuota"] != want {
			t.Errorf("%s: the quota written %d times, want %d (writes %v)", what, writes["ResourceQuota"], want, writes)
		}
	}
	quota := func() *corev1.ResourceQuota {
		t.Helper()
		q := &corev1.ResourceQuota{}
		if err := g.c.Get(ctx, types.NamespacedName{Namespace: "shop", Name: "pave-tier"}, q); err != nil {
			t.Fatal(err)
		}
		return q
	}

	reconciled("the namespace's first reconcile", 1)
	if creates != 0 {
		t.Errorf("the quota was created %d times: an apply makes it, so that no later change moves its fields from a create's manager", creates)
	}
	used := quota()
	used.Status = corev1.ResourceQuotaStatus{Hard: used.Spec.Hard, Used: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("3")}}
	// The rig's client has no status subresource: an update writes it.
	if err := g.c.Update(ctx, used); err != nil {
		t.Fatal(err)
	}
	reconciled("its usage written", 0)
	r.Applied = NewApplied()
	reconciled("a restart", 0)

	edited := quota()
	edited.Spec.Hard[corev1.ResourcePods] = resource.MustParse("100000")
	if err := g.c.Update(ctx, edited); err != nil {
		t.Fatal(err)
	}
	reconciled("its spec edited", 1)
	if got := quota().Spec.Hard[corev1.ResourcePods]; got.String() != "200" {
		t.Errorf("the edited quota's pods: %s, want the tier's 200 back", got.String())
	}
	edited = quota()
	edited.Labels["pave.dev/tier"] = "large"
	if err := g.c.Update(ctx, edited); err != nil {
		t.Fatal(err)
	}
	reconciled("its tier label edited", 1)
	if got := quota().Labels["pave.dev/tier"]; got != "medium" {
		t.Errorf("the edited quota's tier label: %q, want medium back", got)
	}
}

// A quota's events reconcile its Namespace but those of its usage alone.
func TestQuotaUsageDoesNotReconcileTheNamespace(t *testing.T) {
	before := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier", Namespace: "shop", ResourceVersion: "1",
		Labels: map[string]string{"pave.dev/tier": "medium"}},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("200")}}}
	change := func(edit func(q *corev1.ResourceQuota)) *corev1.ResourceQuota {
		q := before.DeepCopy()
		q.ResourceVersion = "2"
		edit(q)
		return q
	}
	cases := []struct {
		what  string
		after client.Object
		want  bool
	}{
		{"its usage", change(func(q *corev1.ResourceQuota) {
			q.Status.Used = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}
		}), false},
		{"its spec", change(func(q *corev1.ResourceQuota) { q.Spec.Hard[corev1.ResourcePods] = resource.MustParse("1") }), true},
		{"its labels", change(func(q *corev1.ResourceQuota) { q.Labels = maps.Clone(q.Labels); q.Labels["pave.dev/tier"] = "large" }), true},
		{"its owner", change(func(q *corev1.ResourceQuota) { q.OwnerReferences = []metav1.OwnerReference{{Name: "other"}} }), true},
		{"going", change(func(q *corev1.ResourceQuota) { q.DeletionTimestamp = &metav1.Time{} }), true},
		{"another kind", &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier", Namespace: "shop", ResourceVersion: "2"}}, true},
	}
	p := notQuotaUsage()
	for _, c := range cases {
		var old client.Object = before
		if _, ok := c.after.(*corev1.LimitRange); ok {
			old = &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier", Namespace: "shop", ResourceVersion: "1"}}
		}
		if got := p.Update(event.UpdateEvent{ObjectOld: old, ObjectNew: c.after}); got != c.want {
			t.Errorf("an update of %s: reconciles %v, want %v", c.what, got, c.want)
		}
	}
}
