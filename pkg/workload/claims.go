package workload

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// Claim is a volume claim a workload makes itself: a StatefulSet's claim
// template or a pod's generic ephemeral volume. Spec points into the object.
type Claim struct {
	Spec *corev1.PersistentVolumeClaimSpec
	// Path is the field path of Spec, e.g. spec.volumeClaimTemplates[0].spec.
	Path string
}

// Claims lists the volume claims w makes, in field order.
func Claims(w *Workload) []Claim {
	var out []Claim
	if sts, ok := w.Object.(*appsv1.StatefulSet); ok {
		for i := range sts.Spec.VolumeClaimTemplates {
			out = append(out, Claim{&sts.Spec.VolumeClaimTemplates[i].Spec, fmt.Sprintf("spec.volumeClaimTemplates[%d].spec", i)})
		}
	}
	for i, v := range w.PodSpec.Volumes {
		if v.Ephemeral != nil && v.Ephemeral.VolumeClaimTemplate != nil {
			out = append(out, Claim{&w.PodSpec.Volumes[i].Ephemeral.VolumeClaimTemplate.Spec,
				fmt.Sprintf("%s.volumes[%d].ephemeral.volumeClaimTemplate.spec", w.PodSpecPath, i)})
		}
	}
	return out
}
