package environment_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/pave-dev/pave/pkg/environment"
)

// sharingCache hands out its stored Namespace as controller-runtime's cache
// does when a read asks it not to deep copy: the same maps as its own.
type sharingCache struct {
	client.Reader
	ns     corev1.Namespace
	copied bool
}

func (c *sharingCache) Get(_ context.Context, key client.ObjectKey, out client.Object, opts ...client.GetOption) error {
	var o client.GetOptions
	o.ApplyOptions(opts)
	if key.Name != c.ns.Name {
		return context.Canceled // any error: not asked for here
	}
	if o.UnsafeDisableDeepCopy != nil && *o.UnsafeDisableDeepCopy {
		*out.(*corev1.Namespace) = c.ns
		return nil
	}
	c.copied = true
	c.ns.DeepCopyInto(out.(*corev1.Namespace))
	return nil
}

// A namespace's labels are read without copying the whole cached Namespace,
// and what the caller does with them never reaches the cache.
func TestClusterNamespaceLabelsLeavesTheCacheAlone(t *testing.T) {
	cache := &sharingCache{ns: corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop",
		Labels: map[string]string{"pave.dev/team": "shop"}, Annotations: map[string]string{"big": "last-applied"}}}}
	labels, err := environment.Cluster{Reader: cache}.NamespaceLabels(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if cache.copied {
		t.Error("the cached Namespace was deep-copied to read its labels")
	}
	if labels["pave.dev/team"] != "shop" || len(labels) != 1 {
		t.Fatalf("labels = %v, want pave.dev/team=shop", labels)
	}
	labels["pave.dev/team"] = "changed"
	if got := cache.ns.Labels["pave.dev/team"]; got != "shop" {
		t.Errorf("a change to the labels returned reached the cache: %q", got)
	}
	if _, err := (environment.Cluster{Reader: cache}).NamespaceLabels(context.Background(), "absent"); err == nil {
		t.Error("a namespace the cache does not hold: no error")
	}
}

// A namespace the cache has not seen yet (created a moment before the
// objects in it) is read from the API server; one that exists nowhere is
// still an error, and without a live reader the cache's answer stands.
func TestClusterReadsANewNamespaceLive(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	empty := fake.NewClientBuilder().WithScheme(scheme).Build()
	live := fake.NewClientBuilder().WithScheme(scheme).WithObjects(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fresh",
		Labels: map[string]string{"pave.dev/team": "fresh"}}}).Build()
	labels, err := environment.Cluster{Reader: empty, Live: live}.NamespaceLabels(context.Background(), "fresh")
	if err != nil || labels["pave.dev/team"] != "fresh" {
		t.Fatalf("a namespace only the API server has: labels %v, err %v", labels, err)
	}
	if _, err := (environment.Cluster{Reader: empty, Live: live}).NamespaceLabels(context.Background(), "gone"); !apierrors.IsNotFound(err) {
		t.Errorf("a namespace nobody has: err %v, want not found", err)
	}
	if _, err := (environment.Cluster{Reader: empty}).NamespaceLabels(context.Background(), "fresh"); !apierrors.IsNotFound(err) {
		t.Errorf("without a live reader: err %v, want the cache's not found", err)
	}
}
