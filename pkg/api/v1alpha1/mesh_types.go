package v1alpha1

import corev1 "k8s.io/api/core/v1"

// MeshMode says how workloads join the service mesh.
// +kubebuilder:validation:Enum=off;istio;delegate
type MeshMode string

// The mesh modes.
const (
	// MeshOff leaves workloads alone.
	MeshOff MeshMode = "off"
	// MeshIstio injects the policy's sidecar template as a native sidecar.
	MeshIstio MeshMode = "istio"
	// MeshDelegate labels pod templates for the cluster's own Istio injector.
	MeshDelegate MeshMode = "delegate"
)

// MeshPolicy says whether and how workloads join the mesh.
type MeshPolicy struct {
	// Mode: off (default), istio (pave injects Sidecar) or delegate (pave labels
	// pods sidecar.istio.io/inject=true for Istio's injector).
	// +optional
	Mode MeshMode `json:"mode,omitempty"`
	// RequiredZones must be meshed: a workload there without the sidecar is
	// denied (rule mesh-sidecar), and pave.dev/inject: "false" is refused.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	RequiredZones []string `json:"requiredZones,omitempty"`
	// Sidecar is what istio mode injects.
	// +optional
	Sidecar SidecarTemplate `json:"sidecar,omitempty"`
}

// SidecarTemplate is the proxy container and the volumes it needs. The
// container is injected as a Kubernetes native sidecar: an init container with
// restartPolicy Always, started before the app's containers.
type SidecarTemplate struct {
	// Container is the proxy. Its name identifies an injected sidecar.
	// +optional
	Container *corev1.Container `json:"container,omitempty"`
	// Volumes are added to the pod when not already there by name.
	// +optional
	Volumes []corev1.Volume `json:"volumes,omitempty"`
}
