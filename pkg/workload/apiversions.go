package workload

import "k8s.io/apimachinery/pkg/runtime/schema"

// Unserved reports, for a kind that carries a pod template but is written
// under an apiVersion the API server no longer serves (extensions/v1beta1
// and apps/v1beta2 went with Kubernetes 1.16, batch/v1beta1 with 1.25), the
// one apiVersion it is served as. kubectl finds no such resource and sends
// nothing; as another kind it would pass unjudged.
func Unserved(apiVersion, kind string) (served string, ok bool) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return "", false
	}
	for _, k := range Kinds() {
		if k.Kind == kind && (gv.Group == k.Group || gv.Group == "extensions") && gv.Version != k.Version {
			return schema.GroupVersion{Group: k.Group, Version: k.Version}.String(), true
		}
	}
	return "", false
}
