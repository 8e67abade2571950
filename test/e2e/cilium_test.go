package e2e

import (
	"fmt"
	"testing"
	"time"
)

// Cilium mode: no sidecar, and a CiliumNetworkPolicy admitting in-cluster
// traffic to the service's ports, without the mutual authentication Cilium
// 1.20 deprecates, accepted by Cilium's real CRD schema. Zone isolation is
// off here: where it is on, its own policies take the mesh's place.
func TestCiliumMode(t *testing.T) {
	namespace(t, "cilium", map[string]string{"pave.dev/team": "cilium"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: cilium}\n  zones: {isolation: {target: \"off\"}}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "cilium", "-f", "testdata/service.yaml")
		if err != nil {
			return err
		}
		if !contains(out, "pave would write CiliumNetworkPolicy cilium/pave-orders") {
			return fmt.Errorf("cilium mode not in force: %s", out)
		}
		return nil
	})
	if _, err := s.kubectl("apply", "-n", "cilium", "-f", "testdata/service.yaml"); err != nil {
		t.Fatal(err)
	}
	if ic := at(getJSON(t, "-n", "cilium", "deployment", "orders"), "spec", "template", "spec", "initContainers"); ic != nil {
		t.Fatalf("cilium mode injected %v", ic)
	}
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "cilium", "ciliumnetworkpolicy", "pave-orders")
		return err
	})
	cnp := getJSON(t, "-n", "cilium", "ciliumnetworkpolicy", "pave-orders")
	if at(cnp, "spec", "ingress", 0, "authentication") != nil || at(cnp, "spec", "ingress", 0, "toPorts", 0, "ports", 0, "port") != "8080" {
		t.Fatalf("CiliumNetworkPolicy: %v", at(cnp, "spec"))
	}
}
