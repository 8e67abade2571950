package cilium_test

import (
	"context"
	"testing"

	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"

	"github.com/pave-dev/pave/internal/ciliumtest"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh/cilium"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The policy pave writes is one Cilium takes: Cilium's own validation
// (Rule.Sanitize, which its CRD's limits follow) passes it, whatever the
// number of ports the workload declares, and every port is let in.
func TestPolicyIsOneCiliumTakes(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshCilium)
	spec := env.Policy.Spec
	spec.Zones.Isolation.Target = v1alpha1.IsolationOff // where the zones isolate, their policies admit the ports
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	env.Policy = p
	for _, n := range []int{1, 40, 41, 100} {
		w := workloadtest.ServedWithPorts(t, "game", "arcade", n)
		objs, err := cilium.Policy{}.Generate(context.Background(), w, env)
		if err != nil || len(objs) != 1 {
			t.Fatalf("%d ports: %d objects, error %v", n, len(objs), err)
		}
		if let := ciliumtest.PortsLetIn(t, objs[0].(*ciliumv2.CiliumNetworkPolicy)); let != n {
			t.Errorf("%d ports: the rule lets in %d", n, let)
		}
	}
}
