package controller

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// A companion pave created and then wants with fewer fields loses them, as
// one it only ever applied does, and keeps what another manager set; the
// fake client keeps no managed fields, so this is held to a real API server.
// Also when the create finds the object there already (the cache behind).
func TestWriteDropsWhatACreatedCompanionNoLongerHas(t *testing.T) {
	c := apiServer(t)
	ctx := context.Background()
	configMap := func(name string, labels, data map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": "default", "labels": labels}, "data": data}}
	}
	for _, tc := range []struct {
		name, object string
		cacheBehind  bool
	}{{"created", "fresh", false}, {"created, the cache behind", "behind", true}} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.object
			first := configMap(name, map[string]any{"a": "1", "gone": "x"}, map[string]any{"k1": "v", "k2": "v"})
			if err := write(ctx, c, first, false); err != nil {
				t.Fatal(err)
			}
			if got := managers(first); !maps.Equal(got, map[string]string{FieldManager: "Update"}) {
				t.Fatalf("created: managers %v, want pave's create", got)
			}
			if tc.cacheBehind { // the create runs into it
				if err := write(ctx, c, configMap(name, map[string]any{"a": "1", "gone": "x"}, map[string]any{"k1": "v", "k2": "v"}), false); err != nil {
					t.Fatal(err)
				}
			}
			// Someone else's label, by an update.
			other := &unstructured.Unstructured{}
			other.SetGroupVersionKind(first.GroupVersionKind())
			if err := c.Get(ctx, client.ObjectKeyFromObject(first), other); err != nil {
				t.Fatal(err)
			}
			labels := other.GetLabels()
			labels["team"] = "shop"
			other.SetLabels(labels)
			if err := c.Update(ctx, other, client.FieldOwner("kubectl-edit")); err != nil {
				t.Fatal(err)
			}

			second := configMap(name, map[string]any{"a": "2"}, map[string]any{"k1": "v2"})
			if err := write(ctx, c, second, true); err != nil {
				t.Fatal(err)
			}
			if want := map[string]string{"a": "2", "team": "shop"}; !maps.Equal(second.GetLabels(), want) {
				t.Errorf("labels %v, want %v", second.GetLabels(), want)
			}
			if data, _, _ := unstructured.NestedStringMap(second.Object, "data"); !maps.Equal(data, map[string]string{"k1": "v2"}) {
				t.Errorf("data %v, want only k1", data)
			}
			if got, want := managers(second), map[string]string{FieldManager: "Apply", "kubectl-edit": "Update"}; !maps.Equal(got, want) {
				t.Errorf("managers %v, want %v", got, want)
			}
		})
	}
}

// managers are obj's field managers and their operations.
func managers(obj *unstructured.Unstructured) map[string]string {
	out := map[string]string{}
	for _, m := range obj.GetManagedFields() {
		out[m.Manager] = string(m.Operation)
	}
	return out
}

// apiServer starts etcd and kube-apiserver from bin/assets for the test.
func apiServer(t *testing.T) client.Client {
	t.Helper()
	assets, _ := filepath.Abs("../../bin/assets")
	if _, err := os.Stat(assets); err != nil {
		t.Skip("no control plane in bin/assets; make test builds it")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
