package policy

import (
	"slices"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// The zone model's facts that more than the zones' generators read: the
// validators (service-exposure) among them, which the admission-only build
// links without the generators' network policy APIs.

// Boundary is one zone's place in the model, resolved from the policy.
type Boundary struct {
	Zone string
	// Callers are the zones whose members may call this zone's: itself
	// first, then its allowFrom.
	Callers []string
	// Reaches are the zones this zone's members may call: itself first,
	// then every zone whose allowFrom names it.
	Reaches []string
	// FromOutside lets the ingress controller's namespace in.
	FromOutside bool
	// Egress is what outside the cluster the zone may reach.
	Egress []v1alpha1.ZoneEgress
	// ExternalNames are the hosts outside the cluster the zone's
	// ExternalName Services may name.
	ExternalNames []string
}

// BoundaryOf resolves a zone's boundary. A zone without an access entry is
// called only by itself and reaches nothing outside the cluster.
func BoundaryOf(z v1alpha1.ZonePolicy, zone string) Boundary {
	b := Boundary{Zone: zone, Callers: []string{zone}, Reaches: []string{zone}}
	for _, a := range z.Access {
		if a.Zone == zone {
			b.FromOutside, b.Egress, b.ExternalNames = a.FromOutside, a.Egress, a.ExternalNames
			for _, from := range a.AllowFrom {
				if !slices.Contains(b.Callers, from) {
					b.Callers = append(b.Callers, from)
				}
			}
		} else if slices.Contains(a.AllowFrom, zone) && !slices.Contains(b.Reaches, a.Zone) {
			b.Reaches = append(b.Reaches, a.Zone)
		}
	}
	return b
}

// Unisolated are the namespaces zones leave alone: the system's, and those
// of the platform's shared services (ingress controller, scraper, mesh,
// DNS), for the ingress controller must take traffic from outside and reach
// every zone that accepts it, and the scraper must reach everything. Their
// pods are no zone's members, whatever labels they carry.
func Unisolated(iso v1alpha1.ZoneIsolation) []string {
	out := v1alpha1.SystemNamespaces()
	for _, ns := range []string{iso.Ingress(), iso.Monitoring(), iso.MeshNamespace, iso.DNS.Namespace} {
		if ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}

// Infrastructure reports whether ns is one the zones leave alone (the
// system's, and the platform's shared services').
func Infrastructure(iso v1alpha1.ZoneIsolation, ns string) bool {
	return slices.Contains(Unisolated(iso), ns)
}

// MonitoringPlatform are the namespaces whose monitoring objects and
// dashboards are the platform team's, not a team's: the monitoring
// stack's, whose monitors scrape kube-system and keep kube-state-metrics'
// labels, and the mesh's, whose monitors scrape every namespace's proxies.
func MonitoringPlatform(iso v1alpha1.ZoneIsolation) []string {
	return slices.DeleteFunc([]string{iso.Monitoring(), iso.MeshNamespace}, func(ns string) bool { return ns == "" })
}
