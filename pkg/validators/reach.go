package validators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pave-dev/pave/pkg/policy"
)

// reach is what a shared proxy of the platform (the ingress controller for
// an ExternalName Service, the External Secrets Operator for a webhook URL)
// would connect to, from where it sits, on a namespace's behalf.
type reach struct {
	refusal reachRefusal
	// why says what the name is, for a refused one.
	why string
	// namespace is the Service's namespace (reachInfrastructure); zone is
	// the namespace's zone (reachUnlisted).
	namespace, zone string
}

// reachRefusal is why a name is out of a namespace's reach, if it is.
type reachRefusal int

const (
	reachAllowed reachRefusal = iota
	// reachAPIServer: the API server's Service.
	reachAPIServer
	// reachInfrastructure: a Service in a namespace the zones leave alone.
	reachInfrastructure
	// reachShortName: a name without a dot, which resolves in the
	// namespace of whoever looks it up.
	reachShortName
	// reachUnlisted: a host outside the cluster (or an address) the
	// namespace's zone does not list in spec.zones.access[].externalNames.
	reachUnlisted
)

// reachOf judges name, lowercased and without a trailing dot, as a host a
// shared proxy reaches for env's namespace. A Service of a namespace the
// zones isolate is within reach (the zones judge who may call it), and so
// is a host outside the cluster that the namespace's zone lists; nothing
// else is.
func reachOf(name string, env policy.Env) reach {
	z := env.Policy.Spec.Zones
	if service, namespace, ok := clusterService(name); ok {
		switch {
		case service == "kubernetes" && namespace == "default":
			return reach{refusal: reachAPIServer, why: "the API server"}
		case policy.Infrastructure(z.Isolation, namespace):
			return reach{refusal: reachInfrastructure, namespace: namespace,
				why: fmt.Sprintf("a Service in namespace %s, which the zones leave alone", namespace)}
		}
		return reach{}
	}
	d := policy.DecideZone(env)
	allowed := policy.BoundaryOf(z, d.Zone).ExternalNames
	if slices.ContainsFunc(allowed, func(pattern string) bool { return hostMatches(pattern, name) }) {
		return reach{}
	}
	if !strings.Contains(name, ".") {
		return reach{refusal: reachShortName, why: "a short name, which resolves in the namespace of whoever looks it up"}
	}
	return reach{refusal: reachUnlisted, zone: d.Zone,
		why: fmt.Sprintf("a host outside the cluster that zone %q (%s) does not list", d.Zone, d.NamespaceSource())}
}
