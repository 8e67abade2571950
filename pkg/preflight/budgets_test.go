package preflight_test

import (
	"slices"
	"testing"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/preflight"
)

// The budgets that hold every drain of their pods' nodes today are named: one
// that lets no pod go, and one that keeps its pods that are not ready. A
// budget that lets a pod go, one that leaves the policy open (pave gives it
// AlwaysAllow at its next write) and one in the control plane's namespace
// are not.
func TestWouldDenyBudgetsThatHoldTheDrains(t *testing.T) {
	budget := func(ns, name string, maxUnavailable int32, unhealthy policyv1.UnhealthyPodEvictionPolicyType) policyv1.PodDisruptionBudget {
		pdb := policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: new(intstr.FromInt32(maxUnavailable))}}
		if unhealthy != "" {
			pdb.Spec.UnhealthyPodEvictionPolicy = &unhealthy
		}
		return pdb
	}
	c := preflight.Cluster{Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}},
		Install: v1alpha1.Install{PaveNamespace: "pave-system"},
		Budgets: []policyv1.PodDisruptionBudget{budget("shop", "frozen", 0, ""), budget("shop", "held", 1, policyv1.IfHealthyBudget),
			budget("shop", "web", 1, ""), budget("shop", "let-go", 1, policyv1.AlwaysAllow), budget("kube-system", "coredns", 0, "")}}
	says := map[string]string{"PodDisruptionBudget shop/frozen": "disruption-budget (spec.maxUnavailable)", "PodDisruptionBudget shop/held": "disruption-budget (spec.unhealthyPodEvictionPolicy)"}
	if got := wouldDeny(t, c, func(subject string) string { return says[subject] }); !slices.Equal(got, []string{"PodDisruptionBudget shop/frozen", "PodDisruptionBudget shop/held"}) {
		t.Fatalf("would-deny findings %q", got)
	}
}
