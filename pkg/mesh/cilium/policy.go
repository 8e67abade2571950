// Package cilium generates the CiliumNetworkPolicy of a service in the
// cilium mesh mode. It is apart from package mesh, which the admission server
// uses, so that the admission server does not link Cilium's API.
package cilium

import (
	"context"
	"fmt"
	"slices"

	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	ciliumapi "github.com/cilium/cilium/pkg/policy/api"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// Policy generates, in cilium mode, a CiliumNetworkPolicy per service that
// admits traffic from inside the cluster to the service's declared ports only.
// It no longer asks for authentication.mode: required: Cilium 1.20 deprecates
// its mutual authentication, so encryption in transit in cilium mode is the
// cluster's transparent encryption (WireGuard or IPsec), not pave's.
// Where zones are isolated it writes nothing: Cilium adds up every policy's
// allowances, so a cluster-wide allowance would undo the zones, whose own
// policy already admits the callers on the service's ports.
type Policy struct{}

// Name implements engine.Generator.
func (Policy) Name() string { return "mesh-cilium" }

// Kinds implements engine.Generator.
func (Policy) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Group: "cilium.io", Version: "v2", Kind: "CiliumNetworkPolicy"}}
}

// Generate implements engine.Generator.
func (Policy) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	svc, ok := mesh.ServiceOf(w)
	if env.Policy.Spec.Mesh.Mode != v1alpha1.MeshCilium || !ok || env.Policy.Spec.Zones.Isolation.InForce() != v1alpha1.IsolationOff {
		return nil, nil
	}
	ns := env.NamespaceOf(w)
	var ports []ciliumapi.PortProtocol
	for _, c := range w.PodSpec.Containers {
		for _, p := range c.Ports {
			proto := ciliumapi.ProtoTCP
			if p.Protocol != "" {
				proto = ciliumapi.L4Proto(p.Protocol)
			}
			ports = append(ports, ciliumapi.PortProtocol{Port: fmt.Sprint(p.ContainerPort), Protocol: proto})
		}
	}
	var toPorts ciliumapi.PortRules
	for chunk := range slices.Chunk(ports, mesh.CiliumPortsPerRule) {
		toPorts = append(toPorts, ciliumapi.PortRule{Ports: chunk})
	}
	cnp := &ciliumv2.CiliumNetworkPolicy{
		TypeMeta: metav1.TypeMeta{APIVersion: "cilium.io/v2", Kind: "CiliumNetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: mesh.ObjectPrefix + svc, Namespace: ns,
			Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, v1alpha1.LabelName: svc}},
		Spec: &ciliumapi.Rule{
			Description:      fmt.Sprintf("pave: in-cluster traffic to %s's ports", svc),
			EndpointSelector: ciliumapi.NewESFromMatchRequirements(map[string]string{v1alpha1.LabelName: svc}, nil),
			Ingress: []ciliumapi.IngressRule{{
				IngressCommonRule: ciliumapi.IngressCommonRule{FromEntities: ciliumapi.EntitySlice{ciliumapi.EntityCluster}},
				ToPorts:           toPorts,
			}},
		},
	}
	return []object{cnp}, nil
}
