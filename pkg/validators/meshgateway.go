package validators

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// besideGateway denies, in a zone that must be meshed, a container beside
// an Istio gateway's proxy (delegate mode). Istio's gateway template makes
// the pod's istio-proxy container the gateway and redirects nothing: the
// gateway's own traffic is the proxy's, with Istio's mutual TLS, but any
// other container's leaves the pod as it is.
func besideGateway(w *workload.Workload, zone string) []policy.Violation {
	if !mesh.IstioGateway(w) {
		return nil
	}
	var out []policy.Violation
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if len(out) > 0 || at.Ephemeral() || c.Name == mesh.IstioProxyName {
			return
		}
		out = append(out, ruleMeshSidecar.Violation(at.Field("name"),
			fmt.Sprintf("zone %q must be meshed, and container %q runs beside an Istio gateway (%s: gateway), which redirects no traffic through its proxy: the container's connections leave without mutual TLS", zone, c.Name, v1alpha1.AnnotationIstioTemplates),
			fmt.Sprintf("run the gateway's %s container alone, and the container in a workload of its own", mesh.IstioProxyName)))
	})
	return out
}
