package mesh

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// Istio's proxy serves its agent on this port (its default --statusPort):
// the application probes it answers for (/app-health/...) and the merged
// metrics (IstioMergedMetricsPath). istio-cni never intercepts it.
const IstioStatusPort = 15020

// IstioMergedMetricsPath is where Istio's agent serves the proxy's metrics
// merged with the application's (ISTIO_PROMETHEUS_ANNOTATIONS names the
// application's), so that a Prometheus without mesh certificates scrapes a
// pod whose own ports take mutual TLS only.
const IstioMergedMetricsPath = "/stats/prometheus"

// Meshable reports whether the mesh proxy can run in the pod: not beside the
// node's own network (it would intercept the node's traffic) and not on
// Windows (the proxy is Linux-only, and its Linux security settings would be
// refused there).
func Meshable(w *workload.Workload) bool {
	return !w.PodSpec.HostNetwork && (w.PodSpec.OS == nil || w.PodSpec.OS.Name != corev1.Windows)
}

// OptedOut reports whether the workload asks to stay out of the mesh.
func OptedOut(w *workload.Workload) bool {
	return w.Meta.Annotations[v1alpha1.AnnotationInject] == "false" || w.PodMeta.Annotations[v1alpha1.AnnotationInject] == "false"
}

// Meshed reports whether pave's or Istio's proxy runs in the workload's
// pods: the policy's mode injects one, the pod can run it and does not opt
// out.
func Meshed(w *workload.Workload, mode v1alpha1.MeshMode) bool {
	return mode.UsesIstio() && Meshable(w) && !OptedOut(w)
}

// RunsProxy reports whether the workload, as admission leaves it, runs a
// mesh proxy: pave's (istio mode: its status is on the pod) or Istio's
// (delegate mode: the pod is labelled for Istio's injector).
func RunsProxy(w *workload.Workload, mode v1alpha1.MeshMode) bool {
	switch mode {
	case v1alpha1.MeshIstio:
		return w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus] != ""
	case v1alpha1.MeshDelegate:
		return w.PodMeta.Labels[v1alpha1.LabelIstioInject] == "true"
	}
	return false
}

// ProxyPorts are the ports Istio's proxy and agent listen on in every
// meshed pod (Istio's "Ports used by Istio"): Envoy's admin (15000),
// outbound and inbound capture (15001, 15006), debug (15004), HBONE
// (15008, 15009), the agent's status and merged metrics (15020), health
// (15021), DNS (15053) and Envoy's metrics (15090).
var ProxyPorts = [...]int32{15000, 15001, 15004, 15006, 15008, 15009, IstioStatusPort, 15021, 15053, 15090}

// MergesMetrics reports whether Istio's agent serves the workload's metrics
// merged with its proxy's (mode istio): unless the pod says
// prometheus.istio.io/merge-metrics "false", as Istio's injector reads it.
func MergesMetrics(w *workload.Workload, mode v1alpha1.MeshMode) bool {
	return mode == v1alpha1.MeshIstio && Meshed(w, mode) && !switchedOff(w, v1alpha1.AnnotationIstioMergeMetrics)
}

// RewritesProbes reports whether the pod's probes are sent to Istio's agent:
// unless it says sidecar.istio.io/rewriteAppHTTPProbers "false".
func RewritesProbes(w *workload.Workload) bool {
	return !switchedOff(w, v1alpha1.AnnotationIstioRewriteProbes)
}

// switchedOff reports whether the pod's annotation says false, read as
// Istio reads its switches (strconv.ParseBool).
func switchedOff(w *workload.Workload, key string) bool {
	v, ok := w.PodMeta.Annotations[key]
	if !ok {
		return false // the common case, without ParseBool's error
	}
	on, err := strconv.ParseBool(v)
	return err == nil && !on
}
