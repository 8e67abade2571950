// Package ciliumtest holds pave's generated Cilium policies to Cilium's own
// validation in tests.
package ciliumtest

import (
	"testing"

	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
)

// PortsLetIn fails the test unless Cilium takes the policy (its
// Rule.Sanitize, which its CRD's limits follow), and counts the ports the
// policy's first ingress rule lets in.
func PortsLetIn(t testing.TB, cnp *ciliumv2.CiliumNetworkPolicy) int {
	t.Helper()
	if err := cnp.Spec.Sanitize(); err != nil {
		t.Errorf("Cilium refuses %s: %v", cnp.Name, err)
	}
	n := 0
	for _, pr := range cnp.Spec.Ingress[0].ToPorts {
		n += len(pr.Ports)
	}
	return n
}
