package monitoring

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// MetricsPort is the first container port named for metrics, by the
// policy's port names in their order (the exporters' conventions by
// default: metrics, http-metrics).
func MetricsPort(w *workload.Workload, p *policy.Policy) (corev1.ContainerPort, bool) {
	for _, name := range p.Spec.Monitoring.PortNames {
		// Init containers first; ranged in place, since this runs on every
		// admission and a joined copy of the containers is garbage.
		for _, cs := range [2][]corev1.Container{w.PodSpec.InitContainers, w.PodSpec.Containers} {
			for i := range cs {
				for _, port := range cs[i].Ports {
					if port.Name == name {
						return port, true
					}
				}
			}
		}
	}
	return corev1.ContainerPort{}, false
}

// Path is the metrics path: the pod template's prometheus.io/path, else
// /metrics.
func Path(w *workload.Workload) string {
	if p := w.PodMeta.Annotations[v1alpha1.AnnotationScrapePath]; p != "" {
		return p
	}
	return "/metrics"
}
