package environment

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// Routes are the hosts other Ingresses or routes of obj's family
// (ingress.HostsOf) route, or other Services have external-dns publish
// (ingress.FamilyDNS), that overlap obj's, in namespace (ingress.Overlap),
// each with the team of its namespace. obj itself (by kind, namespace and
// name) is left out: an update is judged against the others. For a
// cert-manager Certificate or CertificateRequest, or a Service whose names
// external-dns publishes (ingress.ClaimedHosts), they are the Ingresses,
// routes and Services of every family that route or publish a host it
// claims.
func (b Builder) Routes(ctx context.Context, namespace string, obj client.Object) ([]policy.Route, error) {
	families := ingress.Families()
	hosts, claimed := ingress.ClaimedHosts(obj)
	if !claimed {
		family, routed, ok := ingress.HostsOf(obj)
		if !ok {
			return nil, nil
		}
		// A name another team's Service has published is that team's,
		// whichever family routes it.
		families, hosts = []string{family, ingress.FamilyDNS}, routed
	}
	kind := ingress.KindOf(obj)
	mine := ingress.NewOverlaps(hosts)
	teams := map[string]string{}
	// Each other object is read once, however many of obj's hosts find
	// it, and its hosts are matched against obj's through the index: an
	// object of thousands of hosts against another of thousands stays
	// linear.
	visited := map[[3]string]bool{}
	var out []policy.Route
	for _, host := range hosts {
		for _, key := range lookups(families, host) {
			list, err := b.Source.Routing(ctx, key.family, key.key)
			if err != nil {
				return nil, fmt.Errorf("list what routes %q: %w", host, err)
			}
			for _, other := range list {
				k := ingress.KindOf(other)
				id := [3]string{k, other.GetNamespace(), other.GetName()}
				if visited[id] || k == kind && other.GetNamespace() == namespace && other.GetName() == obj.GetName() || other.GetDeletionTimestamp() != nil {
					continue
				}
				visited[id] = true
				team, ok := teams[other.GetNamespace()]
				if !ok {
					labels, err := b.Source.NamespaceLabels(ctx, other.GetNamespace())
					if err != nil {
						return nil, fmt.Errorf("read namespace %s: %w", other.GetNamespace(), err)
					}
					team = v1alpha1.TeamOf(labels)
					teams[other.GetNamespace()] = team
				}
				_, theirs, _ := ingress.Indexed(other)
				for _, h := range theirs {
					if len(mine.Of(h)) > 0 {
						out = append(out, policy.Route{Kind: k, Host: h, Namespace: other.GetNamespace(), Name: other.GetName(), Team: team})
					}
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err // the request is gone: stop looking
		}
	}
	// The cache lists in no set order; findings name the first route.
	slices.SortFunc(out, func(a, b policy.Route) int {
		return cmp.Or(strings.Compare(a.Host, b.Host), strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// lookup is one index key of one family of routes.
type lookup struct{ family, key string }

// lookups are the index keys under which what could overlap host is found,
// in each family.
func lookups(families []string, host string) []lookup {
	var out []lookup
	for _, f := range families {
		for _, k := range ingress.LookupKeys(host) {
			out = append(out, lookup{f, k})
		}
	}
	return out
}
