package validators

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	paveobject "github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// MeshEnvoyFilter keeps a team's EnvoyFilters out of the mesh's required
// zones. An EnvoyFilter patches the Envoy configuration Istio gives the
// proxies of its namespace (or those it selects): it can take the mutual
// TLS off an inbound listener, or let an outbound cluster skip it, below
// anything a PeerAuthentication or DestinationRule says, so a team that may
// write one could undo there what the zone promises (mesh-mtls judges
// only PeerAuthentications). Istio calls it a break-glass API; elsewhere a
// workload may leave the mesh anyway, and the team's EnvoyFilter is its own.
type MeshEnvoyFilter struct{}

var ruleMeshEnvoyFilter = policy.Rule{ID: "mesh-envoy-filter", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "no EnvoyFilter in the mesh's required zones: it patches the proxies below the mutual TLS the zone requires"}

// Name implements engine.ObjectValidator.
func (MeshEnvoyFilter) Name() string { return "mesh-envoy-filter" }

// Kinds implements engine.ObjectValidator: Istio serves EnvoyFilter in
// v1alpha3 only.
func (MeshEnvoyFilter) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Group: paveobject.IstioNetworking, Version: "v1alpha3", Kind: "EnvoyFilter"}}
}

// Rules implements engine.ObjectValidator.
func (MeshEnvoyFilter) Rules() []policy.Rule { return []policy.Rule{ruleMeshEnvoyFilter} }

// ValidateObject implements engine.ObjectValidator.
func (MeshEnvoyFilter) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok || !mesh.StrictMTLS(env) {
		return nil
	}
	zone := policy.DecideZone(env).Zone
	return []policy.Violation{ruleMeshEnvoyFilter.Violation("spec.configPatches",
		fmt.Sprintf("EnvoyFilter %q patches the proxies of a namespace in zone %s, which requires the mesh's mutual TLS: a patch can take it off below every PeerAuthentication", u.GetName(), zone),
		fmt.Sprintf("remove it; what a team tunes is in its DestinationRule, VirtualService or pave's annotations (docs/mesh.md); a filter the platform vets needs a PolicyException for mesh-envoy-filter, or a namespace in a zone outside %v", env.Policy.Spec.Mesh.RequiredZones))}
}
