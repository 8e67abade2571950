package zones_test

import (
	"context"
	"fmt"
	"testing"

	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"

	"github.com/pave-dev/pave/internal/ciliumtest"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
	"github.com/pave-dev/pave/pkg/zones"
)

// A workload's zone policy is one Cilium takes (its own Rule.Sanitize, which
// its CRD's limits follow) whatever the number of ports it declares: more
// than 40 in one port rule would be refused, and the workload left outside
// its zone's allowances.
func TestCiliumIngressIsOneCiliumTakes(t *testing.T) {
	p, _, err := policy.Load("policy.yaml", fmt.Appendf(nil, examplePolicy, v1alpha1.MeshIstio, v1alpha1.IsolationCilium))
	if err != nil {
		t.Fatal(err)
	}
	env := envOf(p, exampleNamespace{name: "shop", zone: "public"})
	for _, n := range []int{1, 41, 90} {
		w := workloadtest.ServedWithPorts(t, "game", "shop", n)
		objs, err := zones.Ingress{}.Generate(context.Background(), w, env)
		if err != nil || len(objs) != 1 {
			t.Fatalf("%d ports: %d objects, error %v", n, len(objs), err)
		}
		if let := ciliumtest.PortsLetIn(t, objs[0].(*ciliumv2.CiliumNetworkPolicy)); let != n {
			t.Errorf("%d ports: the callers' rule lets in %d", n, let)
		}
	}
}
