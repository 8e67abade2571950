package mesh

import (
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
)

// ServiceOf names the service a workload serves: its app.kubernetes.io/name,
// for the kinds that serve traffic and have a container port. Pods and
// ReplicaSets are left to the workload that owns them. A name no Service can
// have (a label value may hold capitals, dots and underscores: My_App.v2)
// serves nothing pave could route, and pave's objects named after it would
// be refused by the API server.
func ServiceOf(w *workload.Workload) (string, bool) {
	if !workload.Served(w) {
		return "", false
	}
	name := w.Meta.Labels[v1alpha1.LabelName]
	if name == "" || w.PodSpec.HostNetwork || len(validation.IsDNS1123Label(name)) > 0 {
		return "", false
	}
	for _, c := range w.PodSpec.Containers {
		if len(c.Ports) > 0 {
			return name, true
		}
	}
	return "", false
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
