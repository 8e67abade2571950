package zones_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/zones"
)

// Under NamesOnly (pave check, a dry run's warnings) the ingress policies
// are listed by kind, namespace and name: the same ones, for the same
// workloads, as are written.
func TestIngressNamesOnlyNamesWhatIsWritten(t *testing.T) {
	for _, target := range []v1alpha1.IsolationTarget{v1alpha1.IsolationNetworkPolicy, v1alpha1.IsolationCilium, v1alpha1.IsolationOff} {
		t.Run(string(target), func(t *testing.T) {
			ex := buildExample(t, target, v1alpha1.MeshIstio)
			var written, named []string
			for i, w := range ex.workloads {
				full, err := zones.Ingress{}.Generate(context.Background(), w, ex.envs[i])
				if err != nil {
					t.Fatal(err)
				}
				env := ex.envs[i]
				env.NamesOnly = true
				names, err := zones.Ingress{}.Generate(context.Background(), w, env)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range full {
					written = append(written, engine.Describe(o))
				}
				for _, o := range names {
					named = append(named, engine.Describe(o))
				}
			}
			if target != v1alpha1.IsolationOff && len(written) == 0 {
				t.Fatal("the example wrote no ingress policy: nothing compared")
			}
			if len(written) != len(named) {
				t.Fatalf("written %q, named %q", written, named)
			}
			for i := range written {
				if written[i] != named[i] {
					t.Errorf("policy %d: written %q, named %q", i, written[i], named[i])
				}
			}
		})
	}
}
