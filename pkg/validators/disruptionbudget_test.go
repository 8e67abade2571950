package validators_test

import (
	"context"
	"testing"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestDisruptionBudget(t *testing.T) {
	count, percent := intstr.FromInt32, intstr.FromString
	cases := []struct {
		name           string
		maxUnavailable *intstr.IntOrString
		minAvailable   *intstr.IntOrString
		field          string // "" when allowed
		unhealthy      policyv1.UnhealthyPodEvictionPolicyType
	}{
		{"max unavailable 0", ptrTo(count(0)), nil, "spec.maxUnavailable", ""},
		{"max unavailable 0%", ptrTo(percent("0%")), nil, "spec.maxUnavailable", ""},
		{"min available 100%", nil, ptrTo(percent("100%")), "spec.minAvailable", ""},
		{"max unavailable 1", ptrTo(count(1)), nil, "", ""},
		{"max unavailable 10%", ptrTo(percent("10%")), nil, "", ""},
		{"min available 50%", nil, ptrTo(percent("50%")), "", ""},
		// A count needs the workload's replicas, which the budget does not name.
		{"min available 2", nil, ptrTo(count(2)), "", ""},
		{"neither", nil, nil, "", ""},
		// Pods kept unready hold the drain under IfHealthyBudget.
		{"pods not ready kept", ptrTo(count(1)), nil, "spec.unhealthyPodEvictionPolicy", policyv1.IfHealthyBudget},
		{"pods not ready let go", ptrTo(count(1)), nil, "", policyv1.AlwaysAllow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "web"},
				Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: c.maxUnavailable, MinAvailable: c.minAvailable}}
			if c.unhealthy != "" {
				pdb.Spec.UnhealthyPodEvictionPolicy = &c.unhealthy
			}
			got := validators.DisruptionBudget{}.ValidateObject(context.Background(), pdb, workloadtest.Env())
			if c.field == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "disruption-budget")
			if got[0].Field != c.field {
				t.Errorf("field %s, want %s", got[0].Field, c.field)
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }
