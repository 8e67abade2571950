// Package object decodes Kubernetes objects of any built-in kind into their
// typed Go structs, for the rules that judge objects without a pod template.
package object

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// Object is a typed Kubernetes object with metadata.
type Object = interface {
	metav1.Object
	runtime.Object
}

// Decode decodes JSON into the typed struct of gvk. It fails for kinds the
// client-go scheme does not know.
func Decode(gvk schema.GroupVersionKind, data []byte) (Object, error) {
	ro, err := clientgoscheme.Scheme.New(gvk)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", gvk.Kind, err)
	}
	obj, ok := ro.(Object)
	if !ok {
		return nil, fmt.Errorf("decode %s: not an object with metadata", gvk.Kind)
	}
	if err := jsondecode.Unmarshal(data, obj); err != nil {
		return nil, fmt.Errorf("decode %s: %w", gvk.Kind, err)
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj, nil
}
