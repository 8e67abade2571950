package environment

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// Unserved returns the kinds the cluster does not serve, each once: the
// webhook asks at start, pave preflight before an install.
func Unserved(dc discovery.ServerResourcesInterface, kinds []schema.GroupVersionKind) []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for _, gvk := range kinds {
		resources, err := dc.ServerResourcesForGroupVersion(gvk.GroupVersion().String())
		found := err == nil && slices.ContainsFunc(resources.APIResources, func(r metav1.APIResource) bool { return r.Kind == gvk.Kind })
		if !found && !slices.Contains(out, gvk) {
			out = append(out, gvk)
		}
	}
	return out
}
