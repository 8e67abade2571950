package mesh

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// Names of the objects pave generates for the mesh (packages istio and cilium).
const (
	// ObjectPrefix starts the name of every mesh object pave generates, so it
	// never collides with a team's own.
	ObjectPrefix = "pave-"

	// CiliumPortsPerRule is the most ports Cilium takes in one port rule of
	// a CiliumNetworkPolicy (its CRD's maxItems, and Rule.Sanitize): pave
	// puts more in several rules, whose union is the same. Here, for the
	// mesh's policies and the zones', without linking Cilium's API.
	CiliumPortsPerRule = 40
)

// ServiceOf names the service a workload serves: its app.kubernetes.io/name,
// for the kinds that serve traffic and have a container port. Pods and
// ReplicaSets are left to the workload that owns them. A name no Service can
// have (a label value may hold capitals, dots and underscores: My_App.v2)
// serves nothing pave could route, and pave's objects named after it would
// be refused by the API server.
func ServiceOf(w *workload.Workload) (string, bool) {
	name, why := serviceOf(w)
	return name, why == routed
}

// unrouted is why a workload has no Service pave routes; the reasons are
// worded only when asked for (Unrouted), since ServiceOf runs on every
// admission.
type unrouted int

const (
	routed unrouted = iota
	notServed
	onHostNetwork
	unnamed
	badName
	noPort
)

func serviceOf(w *workload.Workload) (string, unrouted) {
	if !workload.Served(w) {
		return "", notServed
	}
	if w.PodSpec.HostNetwork {
		return "", onHostNetwork
	}
	name := w.Meta.Labels[v1alpha1.LabelName]
	switch {
	case name == "":
		return "", unnamed
	case len(validation.IsDNS1123Label(name)) > 0:
		return "", badName
	}
	for _, c := range w.PodSpec.Containers {
		if len(c.Ports) > 0 {
			return name, routed
		}
	}
	return "", noPort
}

// Unrouted says why pave writes no routes (DestinationRule, VirtualService)
// for a workload, and what would give it some; why is "" when pave does. A
// team that set a traffic annotation on such a workload would otherwise
// never learn that it does nothing.
func Unrouted(w *workload.Workload) (why, fix string) {
	_, reason := serviceOf(w)
	name := w.Meta.Labels[v1alpha1.LabelName]
	switch reason {
	case notServed:
		return fmt.Sprintf("pave routes the traffic of %s only, each by its Service", strings.Join(workload.ServedKinds(), ", ")),
			"set it on the workload that owns these pods"
	case onHostNetwork:
		return "its pods run on the host's network, outside the mesh", "remove it: the mesh does not reach pods on the host's network"
	case unnamed:
		return fmt.Sprintf("it has no label %s, which names its Service", v1alpha1.LabelName),
			fmt.Sprintf("label the workload %s: <its Service's name>", v1alpha1.LabelName)
	case badName:
		return fmt.Sprintf("its label %s, %q, is not a name a Service can have (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)", v1alpha1.LabelName, name),
			fmt.Sprintf("set %s to the name of the workload's Service", v1alpha1.LabelName)
	case noPort:
		return "none of its containers declares a port, so it serves nothing to route",
			"declare the port it listens on (containers[].ports), or remove the annotation"
	}
	return "", ""
}

// ServiceDomain ends the full name of every Service of the cluster
// (<service>.<namespace>.svc.cluster.local), as the mesh and DNS know it.
const ServiceDomain = ".svc.cluster.local"

// ServiceHost is the name the mesh knows a Service of a namespace by, the
// host pave's VirtualService and DestinationRule configure.
func ServiceHost(service, namespace string) string {
	return service + "." + namespace + ServiceDomain
}

// ResolveHost is the host an Istio object of namespace means by host, as
// Istio reads it: a name without a dot is a Service of the object's own
// namespace; any other name stands as written ("web.shop" is not
// "web.shop.svc.cluster.local" to Istio).
func ResolveHost(host, namespace string) string {
	if host == "" || host == "*" || strings.Contains(host, ".") || strings.Contains(host, ":") {
		return host
	}
	return ServiceHost(host, namespace)
}

// ServiceOfHost is the Service of namespace a resolved host names, the
// inverse of ServiceHost; false for any other host.
func ServiceOfHost(host, namespace string) (string, bool) {
	svc, ok := strings.CutSuffix(host, "."+namespace+ServiceDomain)
	if !ok || svc == "" || strings.Contains(svc, ".") {
		return "", false
	}
	return svc, true
}
