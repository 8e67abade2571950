package mesh

import (
	"slices"

	"github.com/pave-dev/pave/pkg/policy"
)

// StrictMTLS reports whether the namespace env judges in must take mutual
// TLS only: the mesh runs Istio and the namespace's zone is one of the
// policy's requiredZones. pave writes the namespace's STRICT
// PeerAuthentication there, and holds the team's own to it. Not in the
// mesh's own namespace (spec.zones.isolation.meshNamespace), Istio's root
// namespace: a PeerAuthentication there without a selector is the whole
// mesh's, the platform team's to set, and STRICT there would cut off every
// workload a zone lets opt out.
func StrictMTLS(env policy.Env) bool {
	spec := env.Policy.Spec.Mesh
	if !spec.Mode.UsesIstio() || env.Namespace.Name != "" && env.Namespace.Name == env.Policy.Spec.Zones.Isolation.MeshNamespace {
		return false
	}
	return slices.Contains(spec.RequiredZones, policy.DecideZone(env).Zone)
}
