package engine_test

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// An admission-only engine has no generators, yet its scrape mutator falls
// back to annotations where the cluster serves no PodMonitor: discovery must
// still be asked about the kinds it consults, or the admission server and the
// controller disagree on how a workload is scraped.
func TestKindsIncludeWhatTheMutatorsConsult(t *testing.T) {
	admission, err := engine.Default(policy.Default(), engine.Companions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, gvk := range []schema.GroupVersionKind{monitoring.PodMonitor, monitoring.ServiceMonitor} {
		if !slices.Contains(admission.Kinds(), gvk) {
			t.Errorf("an engine without companions does not consult %v: %v", gvk, admission.Kinds())
		}
	}
	if n := len(admission.WorkloadKinds()) + len(admission.NamespaceKinds()) + len(admission.ClusterKinds()); n != 0 {
		t.Errorf("an engine without companions writes %d kinds", n)
	}
	full, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	kinds := full.Kinds()
	for _, gvk := range slices.Concat(full.WorkloadKinds(), full.NamespaceKinds(), full.ClusterKinds(), admission.Kinds()) {
		if !slices.Contains(kinds, gvk) {
			t.Errorf("Kinds() lacks %v", gvk)
		}
	}
	for i, gvk := range kinds {
		if slices.Index(kinds, gvk) != i {
			t.Errorf("Kinds() repeats %v", gvk)
		}
	}
}
