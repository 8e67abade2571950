// Package zones isolates the network zones: from the PlatformPolicy's zone
// model it describes, for each governed workload, who may call it on which
// ports, and for each namespace the default deny and what its zone may reach
// — as Kubernetes NetworkPolicies, CiliumNetworkPolicies or cluster-wide
// ClusterNetworkPolicies (see docs/zones.md).
package zones

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Names of the objects pave writes.
const (
	// prefix names a workload's ingress policy, pave-zone-<workload>, and
	// a zone's boundary, pave-zone-<zone>.
	prefix = "pave-zone-"
	// BaselineName is the namespace's (or, in the ClusterNetworkPolicy target,
	// the cluster's) default deny: the prefix alone, which no workload or
	// zone name can produce (a workload named "baseline" once could).
	BaselineName = "pave-zone"
	managedBy    = "pave"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// Boundary is one zone's place in the model, resolved from the policy.
type Boundary struct {
	Zone string
	// Callers are the zones whose members may call this zone's: itself
	// first, then its allowFrom.
	Callers []string
	// Reaches are the zones this zone's members may call: itself first,
	// then every zone whose allowFrom names it.
	Reaches []string
	// FromOutside lets the ingress controller's namespace in.
	FromOutside bool
	// Egress is what outside the cluster the zone may reach.
	Egress []v1alpha1.ZoneEgress
}

// BoundaryOf resolves a zone's boundary. A zone without an access entry is
// called only by itself and reaches nothing outside the cluster.
func BoundaryOf(z v1alpha1.ZonePolicy, zone string) Boundary {
	b := Boundary{Zone: zone, Callers: []string{zone}, Reaches: []string{zone}}
	for _, a := range z.Access {
		if a.Zone == zone {
			b.FromOutside, b.Egress = a.FromOutside, a.Egress
			for _, from := range a.AllowFrom {
				if !slices.Contains(b.Callers, from) {
					b.Callers = append(b.Callers, from)
				}
			}
		} else if slices.Contains(a.AllowFrom, zone) && !slices.Contains(b.Reaches, a.Zone) {
			b.Reaches = append(b.Reaches, a.Zone)
		}
	}
	return b
}

// Target is the API the policy enforces zones in.
func Target(p *policy.Policy) v1alpha1.IsolationTarget { return p.Spec.Zones.Isolation.InForce() }

// unisolated are the namespaces zones leave alone: the system's, and those
// of the platform's shared services (ingress controller, scraper, mesh,
// DNS), for the ingress controller must take traffic from outside and reach
// every zone that accepts it, and the scraper must reach everything. Their
// pods are no zone's members, whatever labels they carry.
func unisolated(iso v1alpha1.ZoneIsolation) []string {
	out := v1alpha1.SystemNamespaces()
	for _, ns := range []string{iso.IngressNamespace, iso.MonitoringNamespace, iso.MeshNamespace, iso.DNS.Namespace} {
		if ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}

// infrastructure reports whether ns is one of the unisolated namespaces.
func infrastructure(iso v1alpha1.ZoneIsolation, ns string) bool {
	return slices.Contains(unisolated(iso), ns)
}

// Port is a port a workload declares.
type Port struct {
	Number   int32
	Protocol corev1.Protocol
}

// served decides whether w gets an ingress policy of its own, and on which
// ports: the long-running kinds (whose pods the namespace's default deny
// otherwise closes), on the pod network, declaring at least one port.
func served(w *workload.Workload, env policy.Env) ([]Port, bool) {
	if !workload.Served(w) || w.PodSpec.HostNetwork || workload.Selector(w) == nil {
		return nil, false
	}
	sidecar := ""
	if c := env.Policy.Spec.Mesh.Sidecar.Container; c != nil {
		sidecar = c.Name
	}
	var ports []Port
	add := func(c corev1.Container) {
		if c.Name == sidecar && meshed(w, env) {
			return // its metrics ports are the scraper's, below
		}
		for _, p := range c.Ports {
			port := Port{Number: p.ContainerPort, Protocol: p.Protocol}
			if port.Protocol == "" {
				port.Protocol = corev1.ProtocolTCP
			}
			if !slices.Contains(ports, port) {
				ports = append(ports, port)
			}
		}
	}
	for _, c := range w.PodSpec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add(c) // a native sidecar serves for the pod's life
		}
	}
	for _, c := range w.PodSpec.Containers {
		add(c)
	}
	return ports, len(ports) > 0
}

// meshed reports whether w's pods run the mesh's sidecar, by what pave
// wrote on its pod template: the injected template's hash (istio mode) or
// Istio's own injection label (delegate mode).
func meshed(w *workload.Workload, env policy.Env) bool {
	switch env.Policy.Spec.Mesh.Mode {
	case v1alpha1.MeshIstio:
		return w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus] != ""
	case v1alpha1.MeshDelegate:
		return w.PodMeta.Labels[v1alpha1.LabelIstioInject] == "true"
	}
	return false
}

func labels(name string) map[string]string {
	return map[string]string{v1alpha1.LabelManagedBy: managedBy, v1alpha1.LabelZone: name}
}
