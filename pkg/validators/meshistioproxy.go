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

// ownProxyImage denies, in a zone that must be meshed (delegate mode), a
// template's istio-proxy container of an image other than Istio's
// placeholder or the policy's proxy. Istio's injector keeps a customized
// proxy's image over its template's and gives the container the proxy's
// user, 1337, whose traffic istio-cni lets out beside the proxy: the team's
// image would run where the proxy should, its connections without mutual
// TLS. So is Istio's annotation that names the proxy's image. A Pod's
// containers are not judged: Istio has given its proxy an image by then.
func ownProxyImage(w *workload.Workload, zone string, spec v1alpha1.MeshPolicy) []policy.Violation {
	policyImage := ""
	if spec.Sidecar.Container != nil {
		policyImage = spec.Sidecar.Container.Image
	}
	// The annotation stays on the Pod, and is judged there too.
	if image, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioProxyImage]; ok && image != policyImage {
		return []policy.Violation{ruleMeshSidecar.Violation(fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, v1alpha1.AnnotationIstioProxyImage),
			fmt.Sprintf("zone %q must be meshed, and %s %q puts another image in the place of Istio's proxy, run as the proxy's user, whose traffic istio-cni lets out beside the proxy", zone, v1alpha1.AnnotationIstioProxyImage, image),
			fmt.Sprintf("remove the annotation: Istio's injector gives the proxy its own image (the policy's is %q)", policyImage))}
	}
	if w.Kind == "Pod" {
		return nil
	}
	var out []policy.Violation
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if len(out) > 0 || at.Ephemeral() || c.Name != mesh.IstioProxyName || c.Image == mesh.IstioImagePlaceholder || c.Image == policyImage ||
			mesh.IstioStrips(w, c.Name, at.Init()) { // kube-inject's output: Istio injects its proxy afresh
			return
		}
		out = append(out, ruleMeshSidecar.Violation(at.Field("image"),
			fmt.Sprintf("zone %q must be meshed, and container %q of image %q takes the place of Istio's proxy: Istio's injector keeps its image and runs it as the proxy's user, whose traffic istio-cni lets out beside the proxy", zone, c.Name, c.Image),
			fmt.Sprintf("set its image to %q, which Istio's injector fills in with its proxy's, or rename the container", mesh.IstioImagePlaceholder)))
	})
	return out
}
