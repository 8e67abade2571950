package validators

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	paveobject "github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// MeshMTLS holds a team's own PeerAuthentications to the mutual TLS the
// policy requires. pave writes STRICT for the namespace in the mesh's
// required zones, but Istio lets a PeerAuthentication with a selector
// override it for the workloads it selects, and one with portLevelMtls for
// a port: a team that may write them (a common aggregated edit role) could
// take plaintext, from any pod its zone lets in, where the platform
// promises only mutual TLS. A namespace-wide one without a mode inherits
// the mesh's default (PERMISSIVE unless the platform set another), and
// Istio applies the oldest namespace-wide one, which may be the team's.
// On the calling side, a DestinationRule of the namespace that disables TLS
// to a Service of the cluster (plaintextCalls) is refused too.
type MeshMTLS struct{}

var ruleMeshMTLS = policy.Rule{ID: "mesh-mtls", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "in the mesh's required zones a PeerAuthentication accepts only mutual TLS (no PERMISSIVE or DISABLE, for a workload or a port), and a DestinationRule sends no Service of the cluster plaintext"}

// Name implements engine.ObjectValidator.
func (MeshMTLS) Name() string { return "mesh-mtls" }

// Kinds implements engine.ObjectValidator: Istio's v1, to which the API
// server converts the older versions for the webhook.
func (MeshMTLS) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: paveobject.IstioSecurity, Version: "v1", Kind: "PeerAuthentication"},
		{Group: paveobject.IstioNetworking, Version: "v1", Kind: mesh.KindDestinationRule},
	}
}

// Rules implements engine.ObjectValidator.
func (MeshMTLS) Rules() []policy.Rule { return []policy.Rule{ruleMeshMTLS} }

// ValidateObject implements engine.ObjectValidator.
func (MeshMTLS) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok || !mesh.StrictMTLS(env) {
		return nil
	}
	zone := policy.DecideZone(env).Zone
	if u.GetKind() == mesh.KindDestinationRule {
		return plaintextCalls(u, cmp.Or(u.GetNamespace(), env.Namespace.Name), zone,
			fmt.Sprintf("remove the tls setting: Istio then sends mutual TLS to every destination with a proxy (zone %s requires it, spec.mesh.requiredZones %v); a call that must go in plaintext asks the platform team for a PolicyException for mesh-mtls",
				zone, env.Policy.Spec.Mesh.RequiredZones))
	}
	fix := fmt.Sprintf("remove it, or set STRICT: zone %s requires mutual TLS (spec.mesh.requiredZones %v); a port that must take plaintext asks the platform team for a PolicyException for mesh-mtls",
		zone, env.Policy.Spec.Mesh.RequiredZones)
	var out []policy.Violation
	mode, _, _ := unstructured.NestedString(u.Object, "spec", "mtls", "mode")
	selector, _, _ := unstructured.NestedMap(u.Object, "spec", "selector")
	switch {
	case weakMode(mode):
		out = append(out, ruleMeshMTLS.Violation("spec.mtls.mode",
			fmt.Sprintf("PeerAuthentication %q takes %s where zone %s takes only mutual TLS", u.GetName(), mode, zone), fix))
	case len(selector) == 0 && (mode == "" || strings.EqualFold(mode, "UNSET")):
		out = append(out, ruleMeshMTLS.Violation("spec.mtls.mode",
			fmt.Sprintf("PeerAuthentication %q is namespace-wide without a mode: it inherits the mesh's (PERMISSIVE unless the platform set one), and Istio applies the oldest namespace-wide one, which may be this", u.GetName()), fix))
	}
	ports, _, _ := unstructured.NestedMap(u.Object, "spec", "portLevelMtls")
	for _, port := range slices.Sorted(maps.Keys(ports)) {
		if m, _, _ := unstructured.NestedString(ports, port, "mode"); weakMode(m) {
			out = append(out, ruleMeshMTLS.Violation(fmt.Sprintf("spec.portLevelMtls[%s].mode", port),
				fmt.Sprintf("PeerAuthentication %q takes %s on port %s where zone %s takes only mutual TLS", u.GetName(), m, port, zone), fix))
		}
	}
	return out
}

// weakMode reports whether an Istio mTLS mode takes plaintext.
func weakMode(mode string) bool {
	return strings.EqualFold(mode, "PERMISSIVE") || strings.EqualFold(mode, "DISABLE")
}
