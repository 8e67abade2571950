package validators

import (
	"context"
	"fmt"
	"slices"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
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
	spec := env.Policy.Spec.Mesh
	zone := policy.WorkloadZone(w, env).Zone
	if !spec.Mode.UsesIstio() || w.PodSpec.HostNetwork || !slices.Contains(spec.RequiredZones, zone) {
		return nil
	}
	if !mesh.Meshable(w) { // Windows: hostNetwork returned above
		return []policy.Violation{ruleMeshSidecar.Violation(w.PodSpecPath+".os.name",
			fmt.Sprintf("zone %q must be meshed, and the mesh proxy runs only on Linux", zone),
			"run the service on Linux nodes, deploy it to a namespace in a zone the mesh does not require, or ask the platform team for a PolicyException for mesh-sidecar")}
	}
	if mesh.OptedOut(w) {
		return []policy.Violation{ruleMeshSidecar.Violation(policy.AnnotationField(v1alpha1.AnnotationInject),
			fmt.Sprintf("zone %q must be meshed; opting out with %s: \"false\" is not allowed there", zone, v1alpha1.AnnotationInject),
			fmt.Sprintf("remove the %s annotation, or move the workload to a namespace in a zone outside %v", v1alpha1.AnnotationInject, spec.RequiredZones))}
	}
	if field, why := interceptionBypass(w, spec.Mode); why != "" {
		fix := fmt.Sprintf("remove the annotation or label, or ask the platform team for a PolicyException for mesh-sidecar if traffic must bypass the proxy (zones outside %v may)", spec.RequiredZones)
		if gw := mesh.GatewayAPIOwner(w); gw != "" {
			// istiod deploys a Gateway's proxy itself, switched off for
			// injection: the team wrote the Gateway, not this.
			fix = fmt.Sprintf("this is Istio's deployment of Gateway %q: create the Gateway in a namespace of a zone outside %v, or ask the platform team for a PolicyException for mesh-sidecar", gw, spec.RequiredZones)
		}
		return []policy.Violation{ruleMeshSidecar.Violation(field, fmt.Sprintf("zone %q must be meshed, and %s", zone, why), fix)}
	}
	if !istiosPod(w, spec.Mode) {
		if field, why := proxyIdentityTaken(w, spec, env.Namespace.Labels); why != "" {
			return []policy.Violation{ruleMeshSidecar.Violation(field,
				fmt.Sprintf("zone %q must be meshed, and %s", zone, why),
				"run the container as another user and group (Istio reserves 1337 for its proxy), or ask the platform team for a PolicyException for mesh-sidecar")}
		}
	}
	if spec.Mode == v1alpha1.MeshDelegate {
		if w.PodMeta.Labels[v1alpha1.LabelIstioInject] != "true" {
			return []policy.Violation{ruleMeshSidecar.Violation(fmt.Sprintf("%s.labels[%s]", w.PodMetaPath, v1alpha1.LabelIstioInject),
				fmt.Sprintf("zone %q must be meshed but the pod template is not labelled for injection", zone),
				fmt.Sprintf("remove %s: \"false\" from the pod template", v1alpha1.LabelIstioInject))}
		}
		if denied := ownProxyImage(w, zone, spec); len(denied) > 0 {
			return denied
		}
		return besideGateway(w, zone)
	}
	name := spec.Sidecar.Container.Name
	if mutators.NameTaken(w, name) {
		fix := fmt.Sprintf("rename your container %q; pave injects the sidecar itself", name)
		if _, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]; ok && w.Kind != "Pod" {
			// Only istioctl kube-inject writes Istio's status into a template.
			fix = fmt.Sprintf("apply the manifest as it was before istioctl kube-inject (without %s, istio-init, their volumes and %s); pave injects the sidecar itself",
				name, v1alpha1.AnnotationIstioStatus)
		}
		why := fmt.Sprintf("zone %q must be meshed, and the container name %q is reserved for the mesh sidecar", zone, name)
		if mesh.IstioGateway(w) {
			why = fmt.Sprintf("zone %q must be meshed by pave's sidecar, which an Istio gateway (%s: gateway) does not run", zone, v1alpha1.AnnotationIstioTemplates)
			fix = fmt.Sprintf("deploy the gateway to a namespace in a zone outside %v, or one pave does not govern (webhooks.excludeNamespaces)", spec.RequiredZones)
		}
		return []policy.Violation{ruleMeshSidecar.Violation(w.PodSpecPath+".containers", why, fix)}
	}
	if why := mutators.SidecarMismatch(w, env.Policy); why != "" {
		fix := fmt.Sprintf("remove your own %s init container and let pave's mutating webhook inject the sidecar (check that the webhook is running)", name)
		has := mutators.ProxyIndex(w, env.Policy) >= 0
		switch {
		case !has && w.Kind == "Pod":
			// A Pod from before the mesh, or made while pave's mutating
			// webhook did not answer: it has nothing of its own to remove.
			fix = "make the Pod again while pave's mutating webhook answers (kubectl -n pave-system get pods): a controller's Pods by a restart (kubectl rollout restart), others by creating them again"
		case !has:
			fix = "apply it again while pave's mutating webhook answers (kubectl -n pave-system get pods): it injects the sidecar"
		case w.Kind != "Pod" && mutators.ProxyRunsAnAppImage(w, env.Policy):
			// pave puts back its proxy changed in place but for its image;
			// the application's there is a command's for every container.
			fix = fmt.Sprintf("name the application's containers, not every container ('*'), when you set an image (kubectl set image); or %s", fix)
		}
		return []policy.Violation{ruleMeshSidecar.Violation(w.PodSpecPath+".initContainers",
			fmt.Sprintf("zone %q must be meshed but %s", zone, why), fix)}
	}
	// istio-cni redirects a Pod's traffic through its proxy only when the
	// Pod carries Istio's status, which pave's mutating webhook writes on
	// each Pod it completes (mutators.wireIstio).
	if _, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]; w.Kind == "Pod" && !ok {
		return []policy.Violation{ruleMeshSidecar.Violation(fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, v1alpha1.AnnotationIstioStatus),
			fmt.Sprintf("zone %q must be meshed, and without %s istio-cni leaves the Pod's traffic beside its proxy: pave's mutating webhook did not complete the Pod", zone, v1alpha1.AnnotationIstioStatus),
			"create the Pod again once pave's webhook answers (kubectl -n pave-system get pods); a controller's Pods are created again by the controller")}
	}
	return nil
}
