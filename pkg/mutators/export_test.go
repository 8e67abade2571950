package mutators

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/policy"
)

// PreparedProxy is a deep copy of the proxy and volumes the sidecar injects
// for p, as prepared once per policy.
func PreparedProxy(p *policy.Policy) (*corev1.Container, []corev1.Volume) {
	s := preparedFor(p)
	vs := make([]corev1.Volume, len(s.volumes))
	for i := range s.volumes {
		s.volumes[i].DeepCopyInto(&vs[i])
	}
	return s.container.DeepCopy(), vs
}
