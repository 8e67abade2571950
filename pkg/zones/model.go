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
	"github.com/pave-dev/pave/pkg/mesh"
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

// policyName names a workload's ingress policy: pave-zone-<workload>,
// shortened to a valid name.
func policyName(workload string) string { return v1alpha1.ObjectName(prefix, workload, "") }

// Target is the API the policy enforces zones in.
func Target(p *policy.Policy) v1alpha1.IsolationTarget { return p.Spec.Zones.Isolation.InForce() }

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
	return mesh.RunsProxy(w, env.Policy.Spec.Mesh.Mode)
}

func labels(name string) map[string]string {
	return map[string]string{v1alpha1.LabelManagedBy: managedBy, v1alpha1.LabelZone: name}
}
