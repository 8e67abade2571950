package engine

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

var resourceListType = reflect.TypeFor[corev1.ResourceList]()

// resourceList compares two resource lists (every container's limits and
// requests, in the Resources mutator's scope) without reflection but for
// the names that differ, as stringMap does for labels: reflection's sorted
// keys, and each quantity boxed twice to be compared, made a container's
// resources the costliest part of its walk.
func (w *walker) resourceList(a, b reflect.Value) {
	ma, mb := a.Interface().(corev1.ResourceList), b.Interface().(corev1.ResourceList)
	for _, name := range changedKeys(ma, mb, sameQuantity) {
		k := reflect.ValueOf(name)
		w.child(string(name), a.MapIndex(k), b.MapIndex(k))
	}
}

// sameQuantity reports whether two quantities encode the same, as sameLeaf
// decides for other leaves: a quantity encodes as its String. a and b are
// copies, so String's caching of the canonical form changes neither object.
func sameQuantity(a, b resource.Quantity) bool { return a.String() == b.String() }
