package mutators

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// The environment Istio's injector gives the proxy of each Pod, which Istio's
// agent reads: the application's probes it answers for, and the endpoint
// whose metrics it merges with the proxy's.
const (
	envAppProbers = "ISTIO_KUBE_APP_PROBERS"
	envPrometheus = "ISTIO_PROMETHEUS_ANNOTATIONS"
)

// appHealthPrefix starts the paths of the probes Istio's agent answers for
// the application (/app-health/<container>/readyz).
const appHealthPrefix = "/app-health/"

// wireIstio does to a Pod that runs pave's proxy what Istio's injector does
// to each Pod it injects, so that istio-cni redirects the Pod's traffic
// through the proxy and the Pod still starts and is still scraped:
//   - sidecar.istio.io/status, without which istio-cni leaves the traffic
//     beside the proxy, and security.istio.io/tlsMode, by which other proxies
//     send it mutual TLS;
//   - the application's HTTP, TCP and gRPC probes sent to Istio's agent on
//     its status port, which probes the application from inside the pod: the
//     kubelet has no mesh certificate, so under STRICT mutual TLS it could
//     not probe the application's ports itself;
//   - the application's metrics merged into the agent's (a Prometheus
//     without mesh certificates could not scrape the application's port
//     either): prometheus.io annotations pointed at the agent, and the
//     application's endpoint given to the agent.
//
// It is done on Pods only, never to a pod template, as Istio does it: a
// rewritten probe stored in a Deployment would meet the team's next
// `kubectl apply`, whose three-way merge changes the path and keeps the
// rewritten port. It reports whether it changed the Pod.
func wireIstio(w *workload.Workload, proxy *corev1.Container, p *policy.Policy, status string) bool {
	changed := setMissing(&w.PodMeta.Annotations, v1alpha1.AnnotationIstioStatus, status)
	changed = setMissing(&w.PodMeta.Labels, v1alpha1.LabelIstioTLSMode, "istio") || changed
	var env []corev1.EnvVar
	// A pod may keep either as it is with Istio's own annotations.
	if mesh.RewritesProbes(w) {
		if probers := rewriteProbes(w, proxy.Name); len(probers) > 0 {
			env = append(env, corev1.EnvVar{Name: envAppProbers, Value: mergedProbers(proxy, probers)})
		}
	}
	if mesh.MergesMetrics(w, p.Spec.Mesh.Mode) {
		if endpoint := mergeMetrics(w, p); endpoint != "" {
			env = append(env, corev1.EnvVar{Name: envPrometheus, Value: endpoint})
		}
	}
	if !slices.ContainsFunc(env, func(e corev1.EnvVar) bool { return !slices.Contains(proxy.Env, e) }) {
		return changed // none, or all there already (a mutation run again)
	}
	// A new list: the injected proxy shares its environment with the
	// policy's prepared one.
	kept := slices.DeleteFunc(slices.Clone(proxy.Env), func(e corev1.EnvVar) bool {
		return slices.ContainsFunc(env, func(n corev1.EnvVar) bool { return n.Name == e.Name })
	})
	proxy.Env = append(kept, env...)
	return true
}

// prober is one application probe as Istio's agent reads it from
// ISTIO_KUBE_APP_PROBERS.
type prober struct {
	HTTPGet        *corev1.HTTPGetAction   `json:"httpGet,omitempty"`
	TCPSocket      *corev1.TCPSocketAction `json:"tcpSocket,omitempty"`
	GRPC           *corev1.GRPCAction      `json:"grpc,omitempty"`
	TimeoutSeconds int32                   `json:"timeoutSeconds,omitempty"`
}

// rewriteProbes points the HTTP, TCP and gRPC probes of the pod's
// containers (the proxy's aside) at Istio's agent and returns what they
// probed, by the agent's path for each. A probe already pointed there, an
// exec probe, and one whose named port the container does not declare
// (the kubelet could not probe it either) are left as they are.
func rewriteProbes(w *workload.Workload, proxyName string) map[string]prober {
	var out map[string]prober
	for _, list := range [2][]corev1.Container{w.PodSpec.InitContainers, w.PodSpec.Containers} {
		for i := range list {
			c := &list[i]
			if c.Name == proxyName {
				continue
			}
			for _, probe := range [3]struct {
				kind string
				at   **corev1.Probe
			}{{"readyz", &c.ReadinessProbe}, {"livez", &c.LivenessProbe}, {"startupz", &c.StartupProbe}} {
				pr, ok := agentProber(*probe.at, c.Ports)
				if !ok {
					continue
				}
				path := appHealthPrefix + c.Name + "/" + probe.kind
				rewritten := **probe.at
				rewritten.ProbeHandler = corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
					Path: path, Port: intstr.FromInt32(mesh.IstioStatusPort), Scheme: corev1.URISchemeHTTP}}
				*probe.at = &rewritten
				if out == nil {
					out = map[string]prober{}
				}
				out[path] = pr
			}
		}
	}
	return out
}

// agentProber is what Istio's agent probes for the kubelet in place of p,
// its named port resolved against the container's ports.
func agentProber(p *corev1.Probe, ports []corev1.ContainerPort) (prober, bool) {
	if p == nil {
		return prober{}, false
	}
	resolve := func(port intstr.IntOrString) (intstr.IntOrString, bool) {
		if port.Type == intstr.Int {
			return port, port.IntVal != mesh.IstioStatusPort
		}
		for _, cp := range ports {
			if cp.Name == port.StrVal {
				return intstr.FromInt32(cp.ContainerPort), true
			}
		}
		return port, false
	}
	switch {
	case p.HTTPGet != nil:
		if strings.HasPrefix(p.HTTPGet.Path, appHealthPrefix) {
			return prober{}, false
		}
		h := *p.HTTPGet
		port, ok := resolve(h.Port)
		h.Port = port
		return prober{HTTPGet: &h, TimeoutSeconds: p.TimeoutSeconds}, ok
	case p.TCPSocket != nil:
		t := *p.TCPSocket
		port, ok := resolve(t.Port)
		t.Port = port
		return prober{TCPSocket: &t, TimeoutSeconds: p.TimeoutSeconds}, ok
	case p.GRPC != nil:
		g := *p.GRPC
		return prober{GRPC: &g, TimeoutSeconds: p.TimeoutSeconds}, g.Port != mesh.IstioStatusPort
	}
	return prober{}, false
}

// mergedProbers is the proxy's ISTIO_KUBE_APP_PROBERS with probers added:
// a mutation run again (another webhook changed the Pod in between) keeps
// what the first run rewrote.
func mergedProbers(proxy *corev1.Container, probers map[string]prober) string {
	for _, e := range proxy.Env {
		if e.Name == envAppProbers {
			had := map[string]prober{}
			if json.Unmarshal([]byte(e.Value), &had) == nil {
				maps.Copy(had, probers)
				probers = had
			}
		}
	}
	b, _ := json.Marshal(probers) // maps of plain API structs always encode
	return string(b)
}

// mergeMetrics points the pod's scrape annotations, if it has them, at
// Istio's agent and returns the application's endpoint for the agent to
// merge (ISTIO_PROMETHEUS_ANNOTATIONS), or "" when the pod names none or
// says it is not to be scraped. The endpoint is the annotations' where the
// pod has them, else the policy's metrics port (the one pave's PodMonitor
// scrapes, which then scrapes the agent: package operator).
func mergeMetrics(w *workload.Workload, p *policy.Policy) string {
	ann := w.PodMeta.Annotations
	agent := strconv.Itoa(mesh.IstioStatusPort)
	if ann[v1alpha1.AnnotationScrape] == "false" || ann[v1alpha1.AnnotationScrapePort] == agent {
		return ""
	}
	port := ann[v1alpha1.AnnotationScrapePort]
	if port == "" {
		mp, ok := monitoring.MetricsPort(w, p)
		if !ok {
			return ""
		}
		port = strconv.Itoa(int(mp.ContainerPort))
	}
	b, _ := json.Marshal(struct {
		Scrape string `json:"scrape"`
		Path   string `json:"path"`
		Port   string `json:"port"`
	}{"true", monitoring.Path(w), port})
	if _, annotated := ann[v1alpha1.AnnotationScrape]; annotated {
		ann[v1alpha1.AnnotationScrapePort] = agent
		ann[v1alpha1.AnnotationScrapePath] = mesh.IstioMergedMetricsPath
	}
	return string(b)
}
