package mutators

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// SidecarMismatch says how the pod's sidecar differs from what pave injects
// from tmpl, or "" when it is the real one. It compares what makes the proxy
// the proxy (image, command, arguments, environment, mounts and the volumes
// behind them, ports, native-sidecar restart policy), not what later mutators
// add (resources, hardening), so that an init container named like the
// sidecar, with the status annotation copied from another pod, is not taken
// for it.
func SidecarMismatch(w *workload.Workload, tmpl v1alpha1.SidecarTemplate) string {
	want := tmpl.Container
	i := slices.IndexFunc(w.PodSpec.InitContainers, func(c corev1.Container) bool { return c.Name == want.Name })
	if i < 0 {
		return fmt.Sprintf("the pod has no %s sidecar", want.Name)
	}
	have := w.PodSpec.InitContainers[i]
	eq := equality.Semantic.DeepEqual
	switch {
	case have.Image != want.Image:
		return fmt.Sprintf("the %s sidecar runs image %q, not the mesh proxy %q", want.Name, have.Image, want.Image)
	case have.RestartPolicy == nil || *have.RestartPolicy != corev1.ContainerRestartPolicyAlways:
		return fmt.Sprintf("the %s sidecar is not a native sidecar (restartPolicy: Always)", want.Name)
	case !eq(have.Command, want.Command) || !eq(have.Args, want.Args):
		return fmt.Sprintf("the %s sidecar's command or args differ from the mesh proxy's", want.Name)
	case !eq(have.Env, want.Env) || !eq(have.EnvFrom, want.EnvFrom):
		return fmt.Sprintf("the %s sidecar's environment differs from the mesh proxy's", want.Name)
	case !eq(have.VolumeMounts, want.VolumeMounts) || !eq(have.Ports, want.Ports):
		return fmt.Sprintf("the %s sidecar's mounts or ports differ from the mesh proxy's", want.Name)
	}
	for _, v := range tmpl.Volumes {
		j := slices.IndexFunc(w.PodSpec.Volumes, func(have corev1.Volume) bool { return have.Name == v.Name })
		if j < 0 || !eq(w.PodSpec.Volumes[j].VolumeSource, v.VolumeSource) {
			return fmt.Sprintf("the pod's volume %q is not the one the mesh proxy mounts", v.Name)
		}
	}
	return ""
}
