package mesh_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// Mutual TLS is strict in a namespace of a required zone, in both Istio
// modes; not elsewhere, not with the mesh off, and never in the mesh's own
// namespace, whose namespace-wide PeerAuthentication is the whole mesh's.
func TestStrictMTLS(t *testing.T) {
	cases := []struct {
		mode     v1alpha1.MeshMode
		ns, zone string
		want     bool
	}{
		{v1alpha1.MeshIstio, "shop", "internal", true},
		{v1alpha1.MeshDelegate, "shop", "restricted", true},
		{v1alpha1.MeshIstio, "site", "public", false},
		{v1alpha1.MeshOff, "shop", "internal", false},
		{v1alpha1.MeshIstio, "istio-system", "internal", false},
	}
	for _, c := range cases {
		env := workloadtest.MeshEnv(t, c.mode)
		env.Namespace = policy.Namespace{Name: c.ns, Labels: map[string]string{v1alpha1.LabelZone: c.zone}}
		if got := mesh.StrictMTLS(env); got != c.want {
			t.Errorf("%s, namespace %s in zone %s: strict %v, want %v", c.mode, c.ns, c.zone, got, c.want)
		}
	}
}
