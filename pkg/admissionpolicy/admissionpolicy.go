// Package admissionpolicy builds the ValidatingAdmissionPolicies pave
// generates: checks that run inside the API server, where a webhook that is
// down could stall what it matches (namespace deletion) or where the check
// needs nothing but the request.
package admissionpolicy

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// Object is a typed Kubernetes object with metadata (engine.Object).
type Object = interface {
	metav1.Object
	runtime.Object
}

// Spec is what differs between pave's policies.
type Spec struct {
	// Name names the policy and its binding.
	Name string
	// Resources are matched, in one API group and version.
	Group, Version string
	Resources      []string
	// Operations are those matched; nil is CREATE and UPDATE.
	Operations []admissionregistrationv1.OperationType
	// Namespaces selects the namespaces matched; nil matches every one.
	Namespaces *metav1.LabelSelector
	Variables  []admissionregistrationv1.Variable
	// Validations are denied as Forbidden when false.
	Validations []admissionregistrationv1.Validation
}

// Build is the ValidatingAdmissionPolicy and its binding (Deny), failing
// closed: it runs in the API server, which cannot be down while it asks.
func Build(s Spec) []Object {
	fail := admissionregistrationv1.Fail
	meta := metav1.ObjectMeta{Name: s.Name, Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}}
	validations := make([]admissionregistrationv1.Validation, len(s.Validations))
	for i, v := range s.Validations {
		v.Reason = ptr(metav1.StatusReasonForbidden)
		validations[i] = v
	}
	ops := s.Operations
	if ops == nil {
		ops = []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}
	}
	vap := &admissionregistrationv1.ValidatingAdmissionPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: meta,
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionregistrationv1.MatchResources{
				NamespaceSelector: s.Namespaces,
				ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
					RuleWithOperations: admissionregistrationv1.RuleWithOperations{
						Operations: ops,
						Rule:       admissionregistrationv1.Rule{APIGroups: []string{s.Group}, APIVersions: []string{s.Version}, Resources: s.Resources},
					},
				}},
			},
			Variables:   s.Variables,
			Validations: validations,
		},
	}
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: *meta.DeepCopy(),
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: s.Name,
			ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}},
	}
	return []Object{vap, binding}
}

// Kinds are the kinds Build makes, for the generators' Kinds.
func Kinds() []schema.GroupVersionKind {
	gv := admissionregistrationv1.SchemeGroupVersion
	return []schema.GroupVersionKind{gv.WithKind("ValidatingAdmissionPolicy"), gv.WithKind("ValidatingAdmissionPolicyBinding")}
}

// Except selects every namespace but those named.
func Except(namespaces []string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: namespaces,
	}}}
}

// List is ss as a CEL list of strings.
func List(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// InGroups is the CEL condition that the requester is in one of groups.
func InGroups(groups []string) string {
	return fmt.Sprintf("request.userInfo.groups.exists(g, g in %s)", List(groups))
}

// ControlPlane is the CEL condition that the requester is the control
// plane's controllers: kube-system's service accounts (the controller
// manager with --use-service-account-credentials) or the controller manager.
const ControlPlane = "('system:serviceaccounts:kube-system' in request.userInfo.groups || request.userInfo.username == 'system:kube-controller-manager')"

// ServiceAccounts is the group of the service accounts of namespace.
func ServiceAccounts(namespace string) string { return "system:serviceaccounts:" + namespace }

// Trusted is the CEL condition that the requester is the platform team (in
// one of the policy's label admins' groups, or in system:masters, the
// break-glass group, which stays trusted where a policy names no admins) or
// in one of groups.
func Trusted(admins []string, groups ...string) string {
	return InGroups(append(PlatformGroups(admins), groups...))
}

// PaveOrItsNamespaceGoing is the CEL condition that the requester may
// write what pave alone writes in a namespace: pave (the service accounts
// of paveNamespace), the platform team (Trusted), or the namespace
// controller deleting it with its namespace.
func PaveOrItsNamespaceGoing(admins []string, paveNamespace string) string {
	return Trusted(admins, ServiceAccounts(paveNamespace)) + " || request.operation == 'DELETE' && " + ControlPlane
}

// PlatformGroups are the platform team's groups: admins and system:masters.
func PlatformGroups(admins []string) []string {
	if slices.Contains(admins, "system:masters") {
		return admins
	}
	return append(slices.Clone(admins), "system:masters")
}

func ptr[T any](v T) *T { return &v }
