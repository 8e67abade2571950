package mutators

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Sidecar joins workloads to the mesh: in istio mode it injects the policy's
// proxy template as a native sidecar (an init container with restartPolicy
// Always, first among the init containers so later ones have the network); in
// delegate mode it labels the pod template for the cluster's Istio injector.
// hostNetwork pods never get a sidecar (they would intercept the node's
// traffic), and an opt-out is honoured outside the required zones; the mesh
// validator denies what must be meshed and is not. Where pave no longer
// injects, it takes out the proxy it injected before (removeProxy).
type Sidecar struct{}

// Name implements engine.Mutator.
func (Sidecar) Name() string { return "sidecar" }

// Scope implements engine.Scoped: the pods' labels (delegated injection),
// the proxy among the init containers, its volumes and its status
// annotation.
func (Sidecar) Scope() []string {
	return []string{"pod.metadata.labels", "pod.metadata.annotations", "pod.spec.initContainers", "pod.spec.volumes",
		// a Pod's probes, sent to Istio's agent (wireIstio); a template's
		// are left as the team wrote them, and not copied for nothing
		"podonly.spec.containers.*.readinessProbe", "podonly.spec.containers.*.livenessProbe", "podonly.spec.containers.*.startupProbe"}
}

// Mutate implements engine.Mutator.
func (Sidecar) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	spec := env.Policy.Spec.Mesh
	tmpl := spec.Sidecar
	meshed := mesh.Meshed(w, spec.Mode)
	if !meshed || spec.Mode == v1alpha1.MeshDelegate {
		removed := tmpl.Container != nil && removeProxy(w, tmpl.Container.Name, spec.Mode)
		if meshed { // by Istio's injector, at each Pod's creation
			return setMissing(&w.PodMeta.Labels, v1alpha1.LabelIstioInject, "true") || removed, nil
		}
		return removed, nil
	}
	if NameTaken(w, tmpl.Container.Name) {
		return false, nil // a duplicate name would be refused by the API server; the mesh validator explains
	}
	hash, err := env.Policy.SidecarHash()
	if err != nil {
		return false, err
	}
	prepared := preparedFor(env.Policy)
	i := containerIndex(w.PodSpec.InitContainers, tmpl.Container.Name)
	// A sidecar that claims the current template is left alone when it is
	// the real one, or a look-alike of another image with a copied
	// annotation, which pave never writes and the mesh validator denies
	// (mutators never overwrite what a user wrote). One from an older
	// template, or none, gets the current proxy, as Istio's injector does at
	// pod creation; so does pave's proxy changed in place (altered).
	injected := false
	if i < 0 || w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus] != hash || altered(w, i, prepared, env.Policy) {
		i, injected = inject(w, i, prepared, hash), true
	}
	// A look-alike of another image is left as written: its traffic
	// istio-cni would send to a port where nothing listens, and the mesh
	// validator denies it.
	proxy := &w.PodSpec.InitContainers[i]
	if proxy.Image != prepared.container.Image {
		return injected, nil
	}
	changed := shareBudget(proxy, w.PodSpec) || injected
	if w.Kind != "Pod" {
		return changed, nil
	}
	// A Pod's proxy is wired into Istio.
	return wireIstio(w, proxy, env.Policy, prepared.istioStatus) || changed, nil
}

// altered reports whether the proxy at i of a pod template, of the
// policy's image and claiming the current template, differs from it where
// the mesh check looks. kubectl set env writes every container of a
// template, the proxy among them, and a team member who runs it means the
// application's: pave's proxy is pave's, so it is put back as the template
// has it, and the team's containers keep the change. Not a Pod's: its spec
// is immutable, and one made of a template has the template's proxy, so the
// commonest admission pays no comparison for it (a look-alike in a Pod the
// team writes is left for the validator, as one of another image is).
func altered(w *workload.Workload, i int, prepared preparedSidecar, p *policy.Policy) bool {
	return w.Kind != "Pod" && w.PodSpec.InitContainers[i].Image == prepared.container.Image && SidecarMismatch(w, p) != ""
}

// ProxyIndex is the index among the pod's init containers of the one named
// as the policy's proxy, or -1.
func ProxyIndex(w *workload.Workload, p *policy.Policy) int {
	return containerIndex(w.PodSpec.InitContainers, preparedFor(p).container.Name)
}

// ProxyRunsAnAppImage reports whether the pod's proxy, of the policy's
// name, runs the image of one of the pod's containers and not the
// policy's: what kubectl set image '*=...' leaves.
func ProxyRunsAnAppImage(w *workload.Workload, p *policy.Policy) bool {
	i := ProxyIndex(w, p)
	if i < 0 || w.PodSpec.InitContainers[i].Image == preparedFor(p).container.Image {
		return false
	}
	image := w.PodSpec.InitContainers[i].Image
	for j := range w.PodSpec.Containers {
		if w.PodSpec.Containers[j].Image == image {
			return true
		}
	}
	return false
}

// inject places the prepared proxy at index i of the init containers (first,
// if i < 0) with its volumes, and returns where it is.
func inject(w *workload.Workload, i int, prepared preparedSidecar, hash string) int {
	// The template with the defaults the API server would fill in: what is
	// stored, so the validating webhook compares it without copying it.
	// The proxy and its volumes are the policy's prepared ones, shared and
	// not copied (copying them was a tenth of a /mutate), but for the
	// proxy's security context, which the hardening after this step
	// completes where a template leaves it open. The steps after this one
	// change security contexts only (TestStepsAfterTheSidecarLeaveTheProxy),
	// and a later mutation's copy of the workload copies the rest (the
	// init containers and volumes are in the mutators' scope).
	if i < 0 {
		w.PodSpec.InitContainers = slices.Insert(w.PodSpec.InitContainers, 0, corev1.Container{})
		i = 0
	}
	sidecar := &w.PodSpec.InitContainers[i]
	*sidecar = prepared.container
	sidecar.SecurityContext = prepared.container.SecurityContext.DeepCopy()
	always := corev1.ContainerRestartPolicyAlways
	sidecar.RestartPolicy = &always
	// The proxy's volumes are the template's, shared as the proxy is: a pod
	// volume of the same name is replaced, or a look-alike could feed the
	// proxy other credentials. A pod without volumes of its own takes the
	// template's list itself (clipped, so an append copies it): making it
	// anew was a sixth of a /mutate's bytes.
	if len(w.PodSpec.Volumes) == 0 && len(prepared.volumes) > 0 {
		w.PodSpec.Volumes = slices.Clip(prepared.volumes)
	} else {
		w.PodSpec.Volumes = slices.Grow(w.PodSpec.Volumes, len(prepared.volumes))
		for j := range prepared.volumes {
			v := &prepared.volumes[j]
			have := volumeNamed(w.PodSpec.Volumes, v.Name)
			if have == nil {
				w.PodSpec.Volumes = append(w.PodSpec.Volumes, corev1.Volume{})
				have = &w.PodSpec.Volumes[len(w.PodSpec.Volumes)-1]
			}
			*have = *v
		}
	}
	if w.PodMeta.Annotations == nil {
		w.PodMeta.Annotations = map[string]string{}
	}
	w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus] = hash
	return i
}

// NameTaken reports whether an app or ephemeral container already uses the
// sidecar's name.
func NameTaken(w *workload.Workload, name string) bool {
	same := func(c corev1.Container) bool { return c.Name == name }
	return slices.ContainsFunc(w.PodSpec.Containers, same) ||
		slices.ContainsFunc(w.PodSpec.EphemeralContainers, func(e corev1.EphemeralContainer) bool { return e.Name == name })
}
