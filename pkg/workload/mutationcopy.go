package workload

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
)

// CopyContainer copies src into dst deeply, as (*corev1.Container).DeepCopyInto
// does, except for its resource lists, which dst shares with src: the
// contract of the mutators' copy (engine.copyInScope), whoever sets a
// resource in dst replaces the list first (WritableResources). A map is the
// costliest part of a container to copy, and a container the decoder
// remembers, the mesh proxy among them, is copied on every admission. With
// twenty containers a whole copy of the workload was a sixth of the
// mutating webhook's handler and those maps, a Quantity at a time, three
// fifths of the copy. src is only read.
func CopyContainer(src, dst *corev1.Container) {
	bare := *src
	bare.Resources.Requests, bare.Resources.Limits = nil, nil
	bare.DeepCopyInto(dst)
	dst.Resources.Requests, dst.Resources.Limits = src.Resources.Requests, src.Resources.Limits
}

// WritableResources makes *list a map of the container's own, empty or a
// copy of the one it had, before a resource is set in it: in the mutators'
// copy the list is the original's.
func WritableResources(list *corev1.ResourceList) {
	own := make(corev1.ResourceList, len(*list)+1)
	maps.Copy(own, *list)
	*list = own
}
