package mutators_test

import (
	"context"
	"testing"

	policyv1 "k8s.io/api/policy/v1"

	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A budget that leaves the policy open gets AlwaysAllow; one that names a
// policy keeps it, and the mutator says it changed nothing.
func TestUnhealthyEvictionFillsOnlyAnOpenPolicy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		given   *policyv1.UnhealthyPodEvictionPolicyType
		want    policyv1.UnhealthyPodEvictionPolicyType
		changed bool
	}{
		{"open", nil, policyv1.AlwaysAllow, true},
		{"IfHealthyBudget chosen", new(policyv1.IfHealthyBudget), policyv1.IfHealthyBudget, false},
		{"AlwaysAllow chosen", new(policyv1.AlwaysAllow), policyv1.AlwaysAllow, false},
	} {
		pdb := &policyv1.PodDisruptionBudget{Spec: policyv1.PodDisruptionBudgetSpec{UnhealthyPodEvictionPolicy: tc.given}}
		changed, err := mutators.UnhealthyEviction{}.MutateObject(context.Background(), pdb, workloadtest.Env())
		if err != nil || changed != tc.changed || pdb.Spec.UnhealthyPodEvictionPolicy == nil || *pdb.Spec.UnhealthyPodEvictionPolicy != tc.want {
			t.Errorf("%s: changed %v, policy %v, err %v", tc.name, changed, pdb.Spec.UnhealthyPodEvictionPolicy, err)
		}
	}
}
