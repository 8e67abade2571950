package check

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/workload"
)

// apiDefaults gives w the defaults the API server gives an object before
// admission sees it, where pave's rules read them: pave check reads
// manifests as written, the webhooks judge them defaulted, and a verdict
// must not depend on which. As Kubernetes 1.37 defaults them
// (pkg/apis/core/v1/defaults.go): a volume without a source is an emptyDir
// (restricted volumes), and in a Pod, not a template, a container's limits
// are its requests where it sets none (resources) and, on the host's
// network, a port's host port is its container port (host ports).
func apiDefaults(w *workload.Workload) {
	spec := w.PodSpec
	for i := range spec.Volumes {
		if reflect.ValueOf(spec.Volumes[i].VolumeSource).IsZero() {
			spec.Volumes[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
		}
	}
	if w.Kind != "Pod" {
		return
	}
	for _, list := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range list {
			c := &list[i]
			c.Resources.Requests = workload.PodRequests(c.Resources)
			if spec.HostNetwork {
				for j := range c.Ports {
					if c.Ports[j].HostPort == 0 {
						c.Ports[j].HostPort = c.Ports[j].ContainerPort
					}
				}
			}
		}
	}
}
