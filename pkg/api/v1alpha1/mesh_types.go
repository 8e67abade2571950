package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
)

// MeshMode says how workloads join the service mesh.
// +kubebuilder:validation:Enum=off;istio;delegate;cilium
type MeshMode string

// The mesh modes.
const (
	// MeshOff leaves workloads alone.
	MeshOff MeshMode = "off"
	// MeshIstio injects the policy's sidecar template as a native sidecar.
	MeshIstio MeshMode = "istio"
	// MeshDelegate labels pod templates for the cluster's own Istio injector.
	MeshDelegate MeshMode = "delegate"
	// MeshCilium injects nothing and admits in-cluster traffic to each
	// service's ports through a CiliumNetworkPolicy, for clusters without
	// Istio; encryption in transit is Cilium's transparent encryption.
	MeshCilium MeshMode = "cilium"
)

// MeshPolicy says whether and how workloads join the mesh.
type MeshPolicy struct {
	// Mode: off (default), istio (pave injects Sidecar), delegate (pave labels
	// pods sidecar.istio.io/inject=true for Istio's injector) or cilium (no
	// sidecar; a CiliumNetworkPolicy per service admits in-cluster traffic to
	// its ports).
	// +optional
	Mode MeshMode `json:"mode,omitempty"`
	// RequiredZones must be meshed: a workload there without the sidecar is
	// denied (rule mesh-sidecar), and pave.dev/inject: "false" is refused.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	RequiredZones []string `json:"requiredZones,omitzero"`
	// Sidecar is what istio mode injects.
	// +optional
	Sidecar SidecarTemplate `json:"sidecar,omitempty"`
	// Traffic is the per-service traffic policy pave generates (DestinationRule
	// and VirtualService) in istio and delegate modes.
	// +optional
	Traffic TrafficPolicy `json:"traffic,omitempty"`
}

// TrafficPolicy holds the mesh defaults for every service and the bounds
// within which a workload's pave.dev/ annotations may change them.
type TrafficPolicy struct {
	// Timeout of a request, all retries included.
	// +optional
	Timeout *Duration `json:"timeout,omitempty"`
	// MaxTimeout bounds the pave.dev/timeout annotation.
	// +optional
	MaxTimeout *Duration `json:"maxTimeout,omitempty"`
	// Retries of a failed request.
	// +optional
	Retries RetryPolicy `json:"retries,omitempty"`
	// ConnectionPool limits connections and queued requests per client proxy.
	// +optional
	ConnectionPool ConnectionPoolPolicy `json:"connectionPool,omitempty"`
	// OutlierDetection is the circuit breaker: endpoints that keep failing are
	// ejected from the load-balancing pool for a while.
	// +optional
	OutlierDetection OutlierPolicy `json:"outlierDetection,omitempty"`
}

// RetryPolicy is how failed requests are retried.
type RetryPolicy struct {
	// Attempts is how often a failed request is tried again; 0 turns
	// retries off. Default 2.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	Attempts *int32 `json:"attempts,omitempty"`
	// MaxAttempts bounds the pave.dev/retries annotation; 0 allows it to
	// turn retries off only. Default 5.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	MaxAttempts *int32 `json:"maxAttempts,omitempty"`
	// +optional
	PerTryTimeout *Duration `json:"perTryTimeout,omitempty"`
	// RetryOn lists Envoy's retry conditions, comma-separated.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	RetryOn string `json:"retryOn,omitempty"`
}

// ConnectionPoolPolicy limits the load one client puts on a service.
type ConnectionPoolPolicy struct {
	// +optional
	// +kubebuilder:validation:Minimum=1
	MaxConnections *int32 `json:"maxConnections,omitempty"`
	// +optional
	// +kubebuilder:validation:Minimum=1
	MaxPendingRequests *int32 `json:"maxPendingRequests,omitempty"`
}

// OutlierPolicy is the circuit breaker.
type OutlierPolicy struct {
	// ConsecutiveErrors (5xx) before an endpoint is ejected. Default 5;
	// 0 turns the circuit breaker off (no outlierDetection is written).
	// +optional
	// +kubebuilder:validation:Minimum=0
	ConsecutiveErrors *uint32 `json:"consecutiveErrors,omitempty"`
	// +optional
	Interval *Duration `json:"interval,omitempty"`
	// +optional
	BaseEjectionTime *Duration `json:"baseEjectionTime,omitempty"`
	// MaxEjectionPercent is the most of a service's endpoints ejected at
	// once. Default 50. At least 1: Istio reads 0 as unset, which is
	// Envoy's own 10 %.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MaxEjectionPercent *int32 `json:"maxEjectionPercent,omitempty"`
}

// SidecarTemplate is the proxy container and the volumes it needs. The
// container is injected as a Kubernetes native sidecar: an init container with
// restartPolicy Always, started before the app's containers.
type SidecarTemplate struct {
	// Container is the proxy. Its name identifies an injected sidecar.
	// +optional
	Container *corev1.Container `json:"container,omitempty"`
	// Volumes are the proxy's, added to the pod: a pod volume of the same
	// name is replaced, or a look-alike could feed the proxy other
	// credentials.
	// +optional
	Volumes []corev1.Volume `json:"volumes,omitzero"`
}

// UsesIstio reports whether the mode runs Istio: sidecars, traffic routing
// and canaries exist only there.
func (m MeshMode) UsesIstio() bool { return m == MeshIstio || m == MeshDelegate }
