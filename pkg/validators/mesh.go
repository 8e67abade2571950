package validators

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Mesh checks the final state: a workload in a zone that must be meshed has
// the sidecar (or, in delegate mode, the label Istio's injector reads), and
// asks to opt out only where the policy allows it.
type Mesh struct{}

var ruleMeshSidecar = policy.Rule{ID: "mesh-sidecar", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "workloads in the mesh's required zones run the mesh sidecar (mTLS for every connection)"}

// Name implements engine.Validator.
func (Mesh) Name() string { return "mesh" }

// Rules implements engine.Validator.
func (Mesh) Rules() []policy.Rule { return []policy.Rule{ruleMeshSidecar} }

// Validate implements engine.Validator.
func (Mesh) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	mesh := env.Policy.Spec.Mesh
	zone := w.Meta.Labels[policy.LabelZone]
	if !mesh.Mode.UsesIstio() || w.PodSpec.HostNetwork || !slices.Contains(mesh.RequiredZones, zone) {
		return nil
	}
	if mutators.OptedOut(w) {
		return []policy.Violation{ruleMeshSidecar.Violation(fmt.Sprintf("metadata.annotations[%s]", mutators.AnnotationInject),
			fmt.Sprintf("zone %q must be meshed; opting out with %s: \"false\" is not allowed there", zone, mutators.AnnotationInject),
			fmt.Sprintf("remove the %s annotation, or move the workload to a zone outside %v", mutators.AnnotationInject, mesh.RequiredZones))}
	}
	if mesh.Mode == v1alpha1.MeshDelegate {
		if w.PodMeta.Labels[mutators.LabelIstioInject] != "true" {
			return []policy.Violation{ruleMeshSidecar.Violation(fmt.Sprintf("%s.labels[%s]", w.PodMetaPath, mutators.LabelIstioInject),
				fmt.Sprintf("zone %q must be meshed but the pod template is not labelled for injection", zone),
				fmt.Sprintf("remove %s: \"false\" from the pod template", mutators.LabelIstioInject))}
		}
		return nil
	}
	name := mesh.Sidecar.Container.Name
	if !slices.ContainsFunc(w.PodSpec.InitContainers, func(c corev1.Container) bool { return c.Name == name }) {
		return []policy.Violation{ruleMeshSidecar.Violation(w.PodSpecPath+".initContainers",
			fmt.Sprintf("zone %q must be meshed but the pod has no %s sidecar", zone, name),
			"let pave's mutating webhook inject it: do not remove it, and check that the webhook is running")}
	}
	return nil
}
