package validators

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
)

// plaintextCalls judges a DestinationRule of a namespace that takes only
// mutual TLS: its callers are that namespace's workloads (Istio looks a
// rule up in the caller's namespace first), and tls.mode DISABLE there, for
// a Service of the cluster, sends their calls in plaintext, which a
// destination outside the required zones accepts. Origination to a host
// outside the cluster (SIMPLE, MUTUAL) is not the mesh's.
func plaintextCalls(u *unstructured.Unstructured, ns, zone, fix string) []policy.Violation {
	host, _, _ := unstructured.NestedString(u.Object, "spec", "host")
	if !inCluster(mesh.ResolveHost(strings.ToLower(host), ns)) {
		return nil
	}
	var out []policy.Violation
	disabled := func(field string, tp map[string]any) {
		if mode, _, _ := unstructured.NestedString(tp, "tls", "mode"); strings.EqualFold(mode, "DISABLE") {
			out = append(out, ruleMeshMTLS.Violation(field+".tls.mode",
				fmt.Sprintf("DestinationRule %q sends this namespace's calls to %s in plaintext, where zone %s speaks only mutual TLS", u.GetName(), host, zone), fix))
		}
		ports, _, _ := unstructured.NestedSlice(tp, "portLevelSettings")
		for i, p := range ports {
			if pm, ok := p.(map[string]any); ok {
				if mode, _, _ := unstructured.NestedString(pm, "tls", "mode"); strings.EqualFold(mode, "DISABLE") {
					out = append(out, ruleMeshMTLS.Violation(fmt.Sprintf("%s.portLevelSettings[%d].tls.mode", field, i),
						fmt.Sprintf("DestinationRule %q sends this namespace's calls to a port of %s in plaintext, where zone %s speaks only mutual TLS", u.GetName(), host, zone), fix))
				}
			}
		}
	}
	if tp, _, _ := unstructured.NestedMap(u.Object, "spec", "trafficPolicy"); tp != nil {
		disabled("spec.trafficPolicy", tp)
	}
	subsets, _, _ := unstructured.NestedSlice(u.Object, "spec", "subsets")
	for i, s := range subsets {
		if sm, ok := s.(map[string]any); ok {
			if tp, _, _ := unstructured.NestedMap(sm, "trafficPolicy"); tp != nil {
				disabled(fmt.Sprintf("spec.subsets[%d].trafficPolicy", i), tp)
			}
		}
	}
	return out
}

// inCluster reports whether a resolved Istio host is, or covers, a Service
// of the cluster: a full Service name, or a wildcard over some ("*",
// "*.local", "*.svc.cluster.local", "*.shop.svc.cluster.local").
func inCluster(host string) bool {
	if host == "*" {
		return true
	}
	if suffix, ok := strings.CutPrefix(host, "*."); ok {
		return strings.HasSuffix(mesh.ServiceDomain, "."+suffix) || strings.HasSuffix("."+suffix, mesh.ServiceDomain)
	}
	return strings.HasSuffix(host, mesh.ServiceDomain)
}
