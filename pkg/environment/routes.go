package environment

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// Routes are the hosts other Ingresses route that overlap those of ing, in
// namespace (ingress.Overlap), each with the team of its Ingress's
// namespace. ing itself (by namespace and name) is left out: an update is
// judged against the others.
func (b Builder) Routes(ctx context.Context, namespace string, ing *networkingv1.Ingress) ([]policy.Route, error) {
	teams := map[string]string{}
	seen := map[policy.Route]bool{}
	var out []policy.Route
	for _, host := range ingress.Hosts(ing) {
		for _, key := range ingress.LookupKeys(host) {
			list, err := b.Source.Ingresses(ctx, key)
			if err != nil {
				return nil, fmt.Errorf("list Ingresses routing %q: %w", host, err)
			}
			for i := range list {
				other := &list[i]
				if other.Namespace == namespace && other.Name == ing.Name || other.DeletionTimestamp != nil {
					continue
				}
				team, ok := teams[other.Namespace]
				if !ok {
					labels, err := b.Source.NamespaceLabels(ctx, other.Namespace)
					if err != nil {
						return nil, fmt.Errorf("read namespace %s: %w", other.Namespace, err)
					}
					team = v1alpha1.TeamOf(labels)
					teams[other.Namespace] = team
				}
				for _, h := range ingress.Hosts(other) {
					r := policy.Route{Host: h, Namespace: other.Namespace, Name: other.Name, Team: team}
					if ingress.Overlap(host, h) && !seen[r] {
						seen[r] = true
						out = append(out, r)
					}
				}
			}
		}
	}
	// The cache lists in no set order; findings name the first route.
	slices.SortFunc(out, func(a, b policy.Route) int {
		return cmp.Or(strings.Compare(a.Host, b.Host), strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}
