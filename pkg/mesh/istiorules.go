package mesh

import (
	"slices"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Kinds of the Istio objects pave steps aside for.
const (
	KindVirtualService  = "VirtualService"
	KindDestinationRule = "DestinationRule"
)

// TeamRules names the team's own VirtualService and DestinationRule, among
// env.IstioRules, that pave's for w step aside for ("" where none does):
//   - a VirtualService that routes w's service for the sidecars. Istio gives
//     the sidecars one VirtualService per host, the oldest, and ignores the
//     other in silence (istioctl analyze: IST0109), so with pave's beside it
//     the team's routes, or pave's timeout and retries, would not apply,
//     depending only on which was created first;
//   - a DestinationRule that sets a traffic policy for the whole host.
//     Istio merges the DestinationRules of one host in a namespace, subsets
//     of both, but keeps the traffic policy of the oldest alone. pave's rule
//     then keeps only the canary's subsets.
//
// A DestinationRule of subsets only merges with pave's and is not named; nor
// is one with a workloadSelector, which applies only to the callers it
// selects. Of several, the first by name is named.
func TeamRules(w *workload.Workload, env policy.Env) (virtualService, destinationRule string) {
	svc, ok := ServiceOf(w)
	if !ok || len(env.IstioRules) == 0 {
		return "", ""
	}
	ns := env.NamespaceOf(w)
	host := ServiceHost(svc, ns)
	for _, r := range env.IstioRules {
		if !slices.ContainsFunc(r.Hosts, func(h string) bool { return ResolveHost(h, ns) == host }) {
			continue
		}
		switch {
		case r.Kind == KindVirtualService && BoundToSidecars(r.Gateways):
			virtualService = firstName(virtualService, r.Name)
		case r.Kind == KindDestinationRule && r.TrafficPolicy && !r.Selective:
			destinationRule = firstName(destinationRule, r.Name)
		}
	}
	return virtualService, destinationRule
}

// BoundToSidecars reports whether a VirtualService of these gateways
// applies to the sidecars: with none, or with the reserved "mesh".
func BoundToSidecars(gateways []string) bool {
	return len(gateways) == 0 || slices.Contains(gateways, sidecars)
}

// BoundToGateways reports whether a VirtualService of these gateways
// applies to a gateway's proxies: it names one besides the reserved "mesh".
func BoundToGateways(gateways []string) bool {
	return slices.ContainsFunc(gateways, func(g string) bool { return g != sidecars })
}

// KeptToNamespace reports whether an Istio object's spec.exportTo keeps it
// to its own namespace ns: "." or its name, or "~" (no namespace at all).
// Empty is Istio's default, every namespace. Only the sidecars and
// gateways of the namespaces it is exported to use it.
func KeptToNamespace(exportTo []string, ns string) bool {
	return len(exportTo) > 0 && !slices.ContainsFunc(exportTo, func(e string) bool { return e != "." && e != "~" && e != ns })
}

// sidecars is the gateway name Istio reserves for the sidecars of the mesh.
const sidecars = "mesh"

// firstName is the lesser of two names, "" counting as none.
func firstName(have, name string) string {
	if have == "" || name < have {
		return name
	}
	return have
}
