package manifest_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/manifest"
)

func TestScopes(t *testing.T) {
	input := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
---
{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
 "metadata": {"name": "gadgets.example.com"}, "spec": {"group": "example.com", "scope": "Namespaced", "names": {"kind": "Gadget", "plural": "gadgets"}}}]}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec: [not, a, mapping]
`
	var objs []manifest.Object
	for _, d := range manifest.Split("in.yaml", []byte(input)) {
		o, _ := manifest.Decode(d)
		objs = append(objs, o...)
	}
	s := manifest.ScopesOf(objs)
	for _, c := range []struct {
		apiVersion, kind string
		cluster          bool
	}{
		{"example.com/v1", "Widget", true},  // declared by the input
		{"example.com/v2", "Widget", true},  // in every version
		{"example.com/v1", "Gadget", false}, // declared in a List
		{"example.com/v1", "Other", false},  // unknown: namespaced
		{"v1", "Namespace", true},           // Kubernetes' own
		{"v1", "ConfigMap", false},          //
		{"rbac.authorization.k8s.io/v1", "ClusterRole", true},
		{"rbac.authorization.k8s.io/v1", "Role", false},
		{"cert-manager.io/v1", "ClusterIssuer", true}, // an API pave writes
		{"cert-manager.io/v1", "Issuer", false},
		{"pave.dev/v1alpha1", "PlatformPolicy", true},
		{"pave.dev/v1alpha1", "PolicyException", false},
	} {
		if got := s.ClusterScoped(c.apiVersion, c.kind); got != c.cluster {
			t.Errorf("%s %s: cluster-scoped %v, want %v", c.apiVersion, c.kind, got, c.cluster)
		}
	}
	if !(manifest.Scopes{}).ClusterScoped("v1", "Node") {
		t.Error("a Node is cluster-scoped without any CRD in the input")
	}
}
