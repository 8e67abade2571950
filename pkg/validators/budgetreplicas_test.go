package validators_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A budget that keeps available every pod a workload runs lets none be
// evicted: every drain of their nodes waits (Gatekeeper's
// k8spoddisruptionbudget, the case it judges from its inventory).
func TestBudgetReplicas(t *testing.T) {
	min := func(name string, v intstr.IntOrString, selector map[string]string) policyv1.PodDisruptionBudget {
		return policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &v, Selector: &metav1.LabelSelector{MatchLabels: selector}}}
	}
	max := func(name string, v intstr.IntOrString, selector map[string]string) policyv1.PodDisruptionBudget {
		pdb := min(name, v, selector)
		pdb.Spec.MinAvailable, pdb.Spec.MaxUnavailable = nil, &v
		return pdb
	}
	web := map[string]string{"app": "web"}
	deployment := func(kind, replicas string) string {
		return fmt.Sprintf("apiVersion: apps/v1\nkind: %s\nmetadata: {name: web}\nspec:\n%s  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web, pave.dev/team: shop}}\n    spec: {containers: [{name: web, image: \"x:1\"}]}\n", kind, replicas)
	}
	for _, c := range []struct {
		name, doc string
		budgets   []policyv1.PodDisruptionBudget
		want      string // in the warning's message; "" none
	}{
		{"minAvailable as many as the replicas", deployment("Deployment", "  replicas: 3\n"), []policyv1.PodDisruptionBudget{min("web", intstr.FromInt32(3), web)},
			`Deployment "web" runs 3 replica(s) and PodDisruptionBudget "web" keeps 3 available`},
		{"one replica, kept by default", deployment("Deployment", ""), []policyv1.PodDisruptionBudget{min("web", intstr.FromInt32(1), web)}, "runs 1 replica(s)"},
		{"half of one pod, rounded up", deployment("StatefulSet", "  replicas: 1\n"), []policyv1.PodDisruptionBudget{min("web", intstr.FromString("50%"), web)}, `keeps 50% available`},
		{"no pod unavailable", deployment("Deployment", "  replicas: 4\n"), []policyv1.PodDisruptionBudget{max("web", intstr.FromInt32(0), web)}, "lets 0 be unavailable"},
		{"two budgets over the same pods", deployment("Deployment", "  replicas: 4\n"), []policyv1.PodDisruptionBudget{max("a", intstr.FromInt32(1), web), max("b", intstr.FromInt32(1), map[string]string{"pave.dev/team": "shop"})},
			`selected by PodDisruptionBudgets "a" and "b"`},
		{"one replica to spare", deployment("Deployment", "  replicas: 3\n"), []policyv1.PodDisruptionBudget{min("web", intstr.FromInt32(2), web)}, ""},
		{"a percentage that leaves one", deployment("Deployment", "  replicas: 4\n"), []policyv1.PodDisruptionBudget{min("web", intstr.FromString("50%"), web)}, ""},
		{"a budget of other pods", deployment("Deployment", "  replicas: 1\n"), []policyv1.PodDisruptionBudget{min("api", intstr.FromInt32(1), map[string]string{"app": "api"})}, ""},
		{"no replicas", deployment("Deployment", "  replicas: 0\n"), []policyv1.PodDisruptionBudget{min("web", intstr.FromInt32(1), web)}, ""},
		{"a DaemonSet", deployment("DaemonSet", ""), []policyv1.PodDisruptionBudget{min("web", intstr.FromInt32(1), web)}, ""},
		{"a budget without a selector", deployment("Deployment", "  replicas: 1\n"), []policyv1.PodDisruptionBudget{{ObjectMeta: metav1.ObjectMeta{Name: "none"},
			Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: ptrTo(intstr.FromInt32(1))}}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := workloadtest.Env()
			env.Budgets = c.budgets
			got := validators.BudgetReplicas{}.Validate(context.Background(), workloadtest.FromYAML(t, c.doc), env)
			if c.want == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "disruption-budget-replicas")
			if v := got[0]; !strings.Contains(v.Message, c.want) || !strings.Contains(v.Message, "every drain") || v.Fix == "" || v.Mode != "warn" {
				t.Errorf("%+v", v)
			}
		})
	}
	t.Run("a ReplicaSet of a Deployment is judged as the Deployment", func(t *testing.T) {
		rs := workloadtest.FromYAML(t, strings.Replace(deployment("ReplicaSet", "  replicas: 1\n"), "metadata: {name: web}",
			"metadata: {name: web-1, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u, controller: true}]}", 1))
		env := workloadtest.Env()
		env.Budgets = []policyv1.PodDisruptionBudget{min("web", intstr.FromInt32(1), web)}
		assertRules(t, validators.BudgetReplicas{}.Validate(context.Background(), rs, env))
	})
	t.Run("offline without budgets", func(t *testing.T) {
		assertRules(t, validators.BudgetReplicas{}.Validate(context.Background(), workloadtest.FromYAML(t, deployment("Deployment", "")), workloadtest.Env()))
	})
}
