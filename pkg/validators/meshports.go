package validators

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// MeshPorts denies, in a pod that runs the mesh proxy, a container port the
// proxy listens on: the proxy starts first and holds it, so the container
// cannot bind it and restarts for ever, with nothing at admission to say why
// (the API server only warns of a port defined twice, naming the proxy pave
// injected, or nothing, where Istio injects it into the Pod).
type MeshPorts struct{}

var ruleMeshPorts = policy.Rule{ID: "mesh-ports", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "in a meshed pod, no container listens on a port the mesh proxy uses (15000-15090, as Istio lists them)"}

// Name implements engine.Validator.
func (MeshPorts) Name() string { return "mesh-ports" }

// Rules implements engine.Validator.
func (MeshPorts) Rules() []policy.Rule { return []policy.Rule{ruleMeshPorts} }

// Validate implements engine.Validator.
func (MeshPorts) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	spec := env.Policy.Spec.Mesh
	if !mesh.RunsProxy(w, spec.Mode) || istiosPod(w, spec.Mode) {
		return nil
	}
	proxy := pavesProxy(spec)
	var out []policy.Violation
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if at.Ephemeral() || (c.Name == proxy && at.Init()) {
			return // an ephemeral container declares no ports
		}
		if spec.Mode == v1alpha1.MeshDelegate && c.Name == mesh.IstioProxyName {
			return // Istio's injector makes it its proxy (Istio's customizing injection; its gateways)
		}
		for i, p := range c.Ports {
			if slices.Contains(mesh.ProxyPorts[:], p.ContainerPort) {
				out = append(out, ruleMeshPorts.Violation(at.Field(fmt.Sprintf("ports[%d].containerPort", i)),
					fmt.Sprintf("container %q declares port %d, which the mesh proxy in its pod listens on: the container cannot bind it", c.Name, p.ContainerPort),
					"serve on a port outside 15000-15090 (Istio keeps those for its proxy), and point the Service's targetPort at it"))
			}
		}
	})
	return out
}
