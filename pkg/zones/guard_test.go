package zones_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/zones"
)

// The guard exists where a team's NetworkPolicy could open the zone (the
// NetworkPolicy target, and the Cilium target, where Cilium enforces
// NetworkPolicies beside pave's CiliumNetworkPolicies), matches the isolated
// namespaces, and trusts pave's own service accounts and the policy's label
// admins; the API server evaluates it (e2e TestTeamMemberCannotOpenTheZone).
func TestGuardFollowsTheTarget(t *testing.T) {
	for _, c := range []struct {
		target      v1alpha1.IsolationTarget
		validations int // none: no guard
	}{{v1alpha1.IsolationNetworkPolicy, 2}, {v1alpha1.IsolationCilium, 1}, {v1alpha1.IsolationClusterNetworkPolicy, 0}, {v1alpha1.IsolationOff, 0}} {
		t.Run(string(c.target), func(t *testing.T) {
			spec := policy.Default().Spec
			spec.Zones.Isolation.Target = c.target
			spec.Namespaces.LabelAdmins = []string{"platform-team"}
			p, err := policy.FromSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := zones.Guard{Install: v1alpha1.Install{PaveNamespace: "platform"}}.GenerateCluster(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if c.validations == 0 {
				if len(objs) != 0 {
					t.Fatalf("%d objects where a team's NetworkPolicy cannot open the zone", len(objs))
				}
				return
			}
			if len(objs) != 2 {
				t.Fatalf("%d objects, want the policy and its binding", len(objs))
			}
			vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
			if rule := vap.Spec.MatchConstraints.ResourceRules[0].Rule; rule.APIGroups[0] != "networking.k8s.io" || rule.Resources[0] != "networkpolicies" {
				t.Errorf("matches %+v", rule)
			}
			skipped := vap.Spec.MatchConstraints.NamespaceSelector.MatchExpressions[0].Values
			for _, ns := range []string{"kube-system", "platform", spec.Zones.Isolation.Ingress()} {
				if !slices.Contains(skipped, ns) {
					t.Errorf("namespace %s is matched; it is no zone's (%v)", ns, skipped)
				}
			}
			trusted := vap.Spec.Variables[0].Expression
			if who := `["platform-team", "system:masters", "system:serviceaccounts:platform"]`; !strings.Contains(trusted, who) {
				t.Errorf("trusted %s does not name %s", trusted, who)
			}
			if ops := vap.Spec.MatchConstraints.ResourceRules[0].Operations; !slices.Contains(ops, admissionregistrationv1.Delete) {
				t.Errorf("operations %v: a team member could delete the default deny", ops)
			}
			if *vap.Spec.FailurePolicy != admissionregistrationv1.Fail || len(vap.Spec.Validations) != c.validations {
				t.Errorf("failure policy %s, %d validations", *vap.Spec.FailurePolicy, len(vap.Spec.Validations))
			}
		})
	}
}

// Without pave's namespace the guard could trust nobody's writes of the
// zones' own policies, pave's included: an error, not a guard that locks
// pave out.
func TestGuardNeedsPavesNamespace(t *testing.T) {
	if _, err := (zones.Guard{}).GenerateCluster(context.Background(), policy.Default()); err == nil {
		t.Fatal("no error")
	}
}
