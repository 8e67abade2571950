package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of pave's policy types.
var GroupVersion = schema.GroupVersion{Group: "pave.dev", Version: "v1alpha1"}

// AddToScheme registers pave's types with a scheme. It is a plain function, not an
// init()-populated builder, so nothing is registered behind the reader's back.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&PlatformPolicy{}, &PlatformPolicyList{},
		&PolicyException{}, &PolicyExceptionList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
