package validators

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	paveobject "github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// MeshRoutes keeps a team's Istio routing to its own namespace's calls. A
// VirtualService bound to the sidecars (no gateways, or "mesh") programs
// every sidecar it is exported to, whatever namespace the caller runs in,
// and a ServiceEntry adds its hosts to the registry of every namespace it
// is exported to; Istio exports both everywhere unless exportTo says
// otherwise. So a team that may write them could route the calls other
// teams' workloads make to another team's Service, or to a host outside
// the cluster, through its own pods: Istio's advisory of March 2026
// ("Security Considerations on Istio's CRDs with Namespace-based
// Multi-Tenancy") names it a man in the middle that mutual TLS does not
// stop, and recommends an admission policy on the hosts. One exported to
// its own namespace alone ("." or its name, or "~") affects only the
// team's own callers; one that names only its own namespace's Services
// takes only calls meant for the team. The mesh's own namespace
// (spec.zones.isolation.meshNamespace) is the platform team's, where
// mesh-wide routes such as an egress gateway's belong, and is not judged.
type MeshRoutes struct{}

var ruleMeshRoutes = policy.Rule{ID: "mesh-routes", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "an Istio VirtualService for the sidecars, or a ServiceEntry, that other namespaces see names only its own namespace's Services: any other host would send other teams' calls through the team's routes"}

// Name implements engine.ObjectValidator.
func (MeshRoutes) Name() string { return "mesh-routes" }

// Kinds implements engine.ObjectValidator: Istio's v1, to which the API
// server converts its older versions for the webhook (object.Equivalent).
func (MeshRoutes) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: paveobject.IstioNetworking, Version: "v1", Kind: mesh.KindVirtualService},
		{Group: paveobject.IstioNetworking, Version: "v1", Kind: "ServiceEntry"},
	}
}

// Rules implements engine.ObjectValidator.
func (MeshRoutes) Rules() []policy.Rule { return []policy.Rule{ruleMeshRoutes} }

// ValidateObject implements engine.ObjectValidator.
func (MeshRoutes) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil
	}
	ns := cmp.Or(u.GetNamespace(), env.Namespace.Name)
	if ns != "" && ns == env.Policy.Spec.Zones.Isolation.MeshNamespace {
		return nil // the platform team's: mesh-wide routes (an egress gateway's) live there
	}
	kind := u.GetKind()
	if gateways, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "gateways"); kind == mesh.KindVirtualService && !mesh.BoundToSidecars(gateways) {
		return nil // an ingress gateway's routes: the gateway's owner binds them
	}
	exportTo, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "exportTo")
	if mesh.KeptToNamespace(exportTo, ns) {
		return nil
	}
	hosts, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "hosts")
	seen := "every namespace (Istio's default: no spec.exportTo)"
	if len(exportTo) > 0 {
		seen = fmt.Sprintf("the namespaces of spec.exportTo %q", exportTo)
	}
	var out []policy.Violation
	for i, h := range hosts {
		if ownService(h, ns) {
			continue
		}
		what := fmt.Sprintf("%s %q routes %q for the sidecars of %s", kind, u.GetName(), h, seen)
		if kind != mesh.KindVirtualService {
			what = fmt.Sprintf("%s %q adds %q to the mesh of %s", kind, u.GetName(), h, seen)
		}
		out = append(out, ruleMeshRoutes.Violation(fmt.Sprintf("spec.hosts[%d]", i),
			what+fmt.Sprintf(": the calls other teams' workloads make to it would follow this namespace's %s, which can send them through pods of yours", kind),
			fmt.Sprintf(`set spec.exportTo: ["."], so only namespace %s's own workloads use it; or name only Services of namespace %s (%q or its full name); routes every namespace must follow (an egress gateway's) are the platform team's, in the mesh's namespace %s or with a PolicyException for mesh-routes`,
				ns, ns, "<service>", cmp.Or(env.Policy.Spec.Zones.Isolation.MeshNamespace, "(spec.zones.isolation.meshNamespace)"))))
	}
	return out
}

// ownService reports whether host names a Service of namespace ns in any
// form a caller might use: its short name (Istio reads a name without a dot
// as one of the object's own namespace), <svc>.<ns>, <svc>.<ns>.svc or the
// full name, or a wildcard over the namespace's Services.
func ownService(host, ns string) bool {
	h := strings.ToLower(strings.TrimSpace(host))
	if h != "" && h != "*" && !strings.Contains(h, ".") {
		return true
	}
	h = strings.TrimSuffix(h, ".cluster.local")
	h = strings.TrimSuffix(h, ".svc")
	name, found := strings.CutSuffix(h, "."+ns)
	return found && name != "" && !strings.Contains(name, ".")
}
