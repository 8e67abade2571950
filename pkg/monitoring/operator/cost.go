package operator

import (
	"context"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// Cost generates a namespace's PrometheusRule pave-cost: the requests of
// all its pods priced by the policy's unit prices, recorded with the
// namespace's team and cost centre, so that cost per team is one sum.
type Cost struct{}

// Name implements engine.NamespaceGenerator.
func (Cost) Name() string { return "cost" }

// Kinds implements engine.NamespaceGenerator.
func (Cost) Kinds() []schema.GroupVersionKind { return []schema.GroupVersionKind{prometheusRule} }

// GenerateNamespace implements engine.NamespaceGenerator.
func (Cost) GenerateNamespace(_ context.Context, env policy.Env) ([]object, error) {
	ns := env.Namespace.Name
	expr, labels := monitoring.CostRule(env)
	return []object{&monitoringv1.PrometheusRule{
		TypeMeta: metav1.TypeMeta{APIVersion: prometheusRule.GroupVersion().String(), Kind: prometheusRule.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: "pave-cost", Namespace: ns,
			Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}},
		Spec: monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{Name: "pave-cost-" + ns, Rules: []monitoringv1.Rule{{
			Record: monitoring.CostSeries,
			Expr:   intstr.FromString(expr),
			Labels: labels,
		}}}}},
	}}, nil
}
