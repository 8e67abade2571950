package workload

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Unserved reports, for a kind that carries a pod template but is written
// under an apiVersion the API server no longer serves (extensions/v1beta1
// and apps/v1beta2 went with Kubernetes 1.16, batch/v1beta1 with 1.25), the
// one apiVersion it is served as. kubectl finds no such resource and sends
// nothing; as another kind it would pass unjudged.
// Every other object pave check reads comes through here, so the kind is
// matched before the apiVersion is parsed.
func Unserved(apiVersion, kind string) (served string, ok bool) {
	i := slices.IndexFunc(Kinds(), func(k Kind) bool { return k.Kind == kind })
	if i < 0 {
		return "", false
	}
	k := Kinds()[i]
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil || (gv.Group != k.Group && gv.Group != "extensions") || gv.Version == k.Version {
		return "", false
	}
	return schema.GroupVersion{Group: k.Group, Version: k.Version}.String(), true
}
