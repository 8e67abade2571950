package check_test

import (
	"testing"
)

// A cluster-scoped object is reported without a namespace, even one it names
// (the API server drops it); a namespaced one without a namespace is in the
// default one.
func TestClusterScopedObjectsHaveNoNamespace(t *testing.T) {
	rep := run(t, `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: shop}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, scope: Cluster, names: {kind: Widget, plural: widgets}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{port: 80}]}
`)
	want := map[string]string{"Namespace": "", "ClusterRole": "", "CustomResourceDefinition": "", "Widget": "", "ConfigMap": "default", "Service": "shop"}
	if len(rep.Objects) != len(want) {
		t.Fatalf("%d objects, want %d: %+v", len(rep.Objects), len(want), rep.Objects)
	}
	for _, o := range rep.Objects {
		if o.Namespace != want[o.Kind] {
			t.Errorf("%s %s: namespace %q, want %q", o.Kind, o.Name, o.Namespace, want[o.Kind])
		}
	}
}
