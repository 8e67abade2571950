package audit

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// unread is what a scan could not judge: the kinds it could not list, and
// the objects that name hosts it could not judge against every route.
// Their last results stay in the reports (replaceScan).
type unread struct {
	kinds   []schema.GroupVersionKind
	objects []unreadObject
}

// unreadObject is an object of a kind by its namespace and name.
type unreadObject struct {
	gvk             schema.GroupVersionKind
	namespace, name string
}

// has reports whether r, a result of namespace's report, is of what the
// scan could not judge.
func (u unread) has(namespace string, r Result) bool {
	gvk := schema.FromAPIVersionAndKind(r.APIVersion, r.Kind)
	return slices.Contains(u.kinds, gvk) || slices.Contains(u.objects, unreadObject{gvk, namespace, r.Name})
}

// err says what the scan could not judge, or is nil.
func (u unread) err() error {
	if len(u.kinds) == 0 {
		return nil
	}
	return fmt.Errorf("kinds not listed, their last results kept: %v; %d objects that name hosts not judged", u.kinds, len(u.objects))
}
