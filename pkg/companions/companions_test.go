package companions_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
)

// Every guard leaves alone the namespaces pave does not govern: the control
// plane's, pave's own and the excluded ones, where the webhooks do not look
// either.
func TestGuardsLeaveUngovernedNamespacesAlone(t *testing.T) {
	p, _, err := policy.Load("policy.yaml", []byte(`apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec: {secrets: {store: vault}}
`))
	if err != nil {
		t.Fatal(err)
	}
	guards, err := companions.Guards(context.Background(), p, v1alpha1.Install{PaveNamespace: "platform", Excluded: []string{"cert-manager"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(guards) < 6 {
		t.Fatalf("%d guards, want pave's six at least", len(guards))
	}
	for _, g := range guards {
		if rules := g.Spec.MatchConstraints.ResourceRules; len(rules) == 1 && slices.Equal(rules[0].Resources, []string{"namespaces"}) {
			continue // Namespaces themselves: no namespace to leave alone
		}
		if rules := g.Spec.MatchConstraints.ResourceRules; len(rules) == 1 && slices.Equal(rules[0].Resources, []string{"persistentvolumes"}) {
			// Cluster-scoped: a namespace selector matches every volume, so
			// the expression leaves alone the claims of those namespaces.
			for _, ns := range []string{"kube-system", "platform", "cert-manager"} {
				if !strings.Contains(g.Spec.Validations[0].Expression, strconv.Quote(ns)) {
					t.Errorf("%s: judges the claims of namespace %s (%s)", g.Name, ns, g.Spec.Validations[0].Expression)
				}
			}
			continue
		}
		sel := g.Spec.MatchConstraints.NamespaceSelector
		if sel == nil || len(sel.MatchExpressions) != 1 {
			t.Errorf("%s: namespace selector %v, want one NotIn", g.Name, sel)
			continue
		}
		for _, ns := range []string{"kube-system", "platform", "cert-manager"} {
			if !slices.Contains(sel.MatchExpressions[0].Values, ns) {
				t.Errorf("%s: judges namespace %s (%v)", g.Name, ns, sel.MatchExpressions[0])
			}
		}
	}
}
