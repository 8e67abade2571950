package mutators

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// removeProxy takes pave's proxy out of a pod pave no longer meshes: the
// mesh turned off or handed to Istio's injector or Cilium, the workload
// opted out, or moved beside the node's network. Istio's injector adds its
// proxy to each Pod, so a Pod made after Istio's goes has none; pave's is in
// the template, and without this it stayed there for good, in every Pod made
// from it, waiting for an istiod that may be gone: a native sidecar's
// startup probe holds the app's containers until it passes. The proxy is
// pave's where the pod carries pave's status annotation (which only pave
// writes) and an init container of the proxy's name; it goes with its
// status and the volumes nothing else in the pod mounts. A Pod Istio's
// injector has wired is left to it, and so is every Pod in delegate mode,
// where a proxy of that name may be Istio's own.
func removeProxy(w *workload.Workload, name string, mode v1alpha1.MeshMode) bool {
	if _, ours := w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus]; !ours {
		return false
	}
	if w.Kind == "Pod" {
		if _, wired := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]; wired || mode == v1alpha1.MeshDelegate {
			return false
		}
	}
	delete(w.PodMeta.Annotations, v1alpha1.AnnotationSidecarStatus)
	i := containerIndex(w.PodSpec.InitContainers, name)
	if i < 0 {
		return true
	}
	proxy := w.PodSpec.InitContainers[i]
	w.PodSpec.InitContainers = slices.Delete(w.PodSpec.InitContainers, i, i+1)
	if len(w.PodSpec.InitContainers) == 0 {
		w.PodSpec.InitContainers = nil
	}
	w.PodSpec.Volumes = slices.DeleteFunc(w.PodSpec.Volumes, func(v corev1.Volume) bool {
		return mounts(&proxy, v.Name) && !mountedBesides(w.PodSpec, v.Name)
	})
	if len(w.PodSpec.Volumes) == 0 {
		w.PodSpec.Volumes = nil
	}
	return true
}

func mounts(c *corev1.Container, volume string) bool {
	return slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == volume })
}

// mountedBesides reports whether a container left in the pod mounts the volume.
func mountedBesides(spec *corev1.PodSpec, volume string) bool {
	for i := range spec.InitContainers {
		if mounts(&spec.InitContainers[i], volume) {
			return true
		}
	}
	for i := range spec.Containers {
		if mounts(&spec.Containers[i], volume) {
			return true
		}
	}
	for i := range spec.EphemeralContainers {
		if slices.ContainsFunc(spec.EphemeralContainers[i].VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == volume }) {
			return true
		}
	}
	return false
}
