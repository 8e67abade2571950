// Package namespaces guards the namespace labels pave takes as the truth.
package namespaces

import (
	"context"
	"fmt"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy and its binding.
const GuardName = "pave-guarded-namespace-labels"

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// Guard generates the ValidatingAdmissionPolicy that lets only the policy's
// label admins set or change a Namespace's guarded labels (zone, tier, team).
// It runs inside the API server: no webhook on Namespaces that could stall
// their deletion when pave is down.
type Guard struct{}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "namespace-label-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind {
	gv := admissionregistrationv1.SchemeGroupVersion
	return []schema.GroupVersionKind{gv.WithKind("ValidatingAdmissionPolicy"), gv.WithKind("ValidatingAdmissionPolicyBinding")}
}

// GenerateCluster implements engine.ClusterGenerator.
func (Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	admins := p.Spec.Namespaces.LabelAdmins
	if len(admins) == 0 {
		return nil, nil
	}
	quote := func(ss []string) string {
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	guarded := v1alpha1.GuardedLabels()
	fail := admissionregistrationv1.Fail
	meta := metav1.ObjectMeta{Name: GuardName, Labels: map[string]string{v1alpha1.LabelManagedBy: "pave"}}
	vap := &admissionregistrationv1.ValidatingAdmissionPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: meta,
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionregistrationv1.RuleWithOperations{
					Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
					Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"namespaces"}},
				},
			}}},
			Variables: []admissionregistrationv1.Variable{
				{Name: "admin", Expression: fmt.Sprintf("request.userInfo.groups.exists(g, g in %s)", quote(admins))},
				{Name: "labels", Expression: "has(object.metadata.labels) ? object.metadata.labels : {}"},
				{Name: "old", Expression: "oldObject != null && has(oldObject.metadata.labels) ? oldObject.metadata.labels : {}"},
			},
			Validations: []admissionregistrationv1.Validation{{
				Expression: fmt.Sprintf("variables.admin || %s.all(k, (k in variables.labels ? variables.labels[k] : '') == (k in variables.old ? variables.old[k] : ''))", quote(guarded)),
				MessageExpression: fmt.Sprintf("'only members of %s may set or change the namespace labels %s: they decide its network zone, quota and owner; ask the platform team'",
					strings.Join(admins, ", "), strings.Join(guarded, ", ")),
				Reason: ptr(metav1.StatusReasonForbidden),
			}},
		},
	}
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: *meta.DeepCopy(),
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: GuardName,
			ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}},
	}
	return []object{vap, binding}, nil
}

func ptr[T any](v T) *T { return &v }
