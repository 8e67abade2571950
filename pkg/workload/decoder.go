package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// Memory a Decoder may hold, in bytes of JSON remembered (the decoded values
// take a few times as much): the proxy and the containers of a few hundred
// workloads being rolled out at once. More showed in the admission server's
// peak memory, which is held to 80 MiB (docs/performance.md).
const (
	rememberedContainerBytes = 128 << 10
	rememberedVolumeBytes    = 32 << 10
	rememberedListBytes      = 16 << 10
)

// Decoder decodes workloads and remembers their containers and volumes by
// their exact bytes. The same container comes again and again: the mesh
// proxy is in every pod, and a Deployment's containers come back in its
// ReplicaSet and in each of its Pods. A remembered container is copied, not
// decoded, which halves decoding a meshed Deployment (docs/performance.md);
// its resource lists are shared with the memo (CopyContainer), as a decoded
// workload is only read and its mutation copy shares them too.
// It is safe for concurrent use.
type Decoder struct {
	d *jsondecode.Decoder
}

// NewDecoder returns a Decoder with empty memos.
//
// Resource lists (a container's requests and limits) are remembered too,
// and shared rather than copied: a new Deployment's containers are new, but
// their lists are the few sizes a cluster uses, and a map was the costliest
// part of decoding a container. No one writes into a decoded workload's
// lists (CopyContainer, WritableResources).
func NewDecoder() *Decoder {
	lists := jsondecode.Remember(jsondecode.NewMemo(rememberedListBytes, shareList))
	return &Decoder{d: jsondecode.New(
		jsondecode.Remember(jsondecode.NewMemo(rememberedContainerBytes, CopyContainer), lists),
		jsondecode.Remember(jsondecode.NewMemo(rememberedVolumeBytes, (*corev1.Volume).DeepCopyInto)),
		lists, // the pod's own: overhead and pod-level resources
		jsondecode.Presize[corev1.Container](MaxContainers),
		jsondecode.Presize[corev1.Volume](MaxContainers),
	)}
}

// json is the decoder to use: d's, or one that remembers nothing.
func (d *Decoder) json() *jsondecode.Decoder {
	if d == nil {
		return nil
	}
	return d.d
}

// shareList hands out a remembered resource list itself.
func shareList(src, dst *corev1.ResourceList) { *dst = *src }
