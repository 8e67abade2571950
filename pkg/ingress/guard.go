// Package ingress guards the ingress controller every namespace shares from
// what a team's Ingress could ask of it.
package ingress

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy that keeps configuration
// snippets out of teams' Ingresses, and its binding.
const GuardName = "pave-ingress-snippets"

// object is engine.Object: the same alias of the same interface literal.
type object = admissionpolicy.Object

// snippet is the CEL condition that annotation key k is a configuration
// snippet: ingress-nginx's *-snippet annotations (configuration, server,
// auth, stream, modsecurity) and NGINX Inc's controller's *-snippets.
const snippet = "(k.startsWith('nginx.ingress.kubernetes.io/') && k.endsWith('-snippet')) || (k.startsWith('nginx.org/') && k.endsWith('-snippets'))"

// Guard generates the ValidatingAdmissionPolicy that refuses configuration
// snippets on the Ingresses of the namespaces pave governs. A snippet is
// raw nginx configuration of the ingress controller that serves every
// namespace: with it a team member reads the controller's credentials
// (which read every Secret) and other teams' traffic (CVE-2021-25742,
// CVE-2025-1974). It is a ValidatingAdmissionPolicy, not a rule of pave's
// webhook, for the other guards' reasons: it needs nothing but the request
// and who sends it, and Ingresses go to the webhook entry that fails open.
// The platform team and pave may set snippets; an Ingress keeping one it
// has stays editable.
type Guard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "ingress-snippet-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	if err := g.Known("ingress snippets guard"); err != nil {
		return nil, err
	}
	// A snippet is allowed where the Ingress had it, with the same value.
	added := "!(k in variables.old) || variables.old[k] != variables.annotations[k]"
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Group: "networking.k8s.io", Version: "v1", Resources: []string{"ingresses"},
		Namespaces: admissionpolicy.Except(g.Ungoverned()),
		Variables: []admissionregistrationv1.Variable{
			{Name: "trusted", Expression: admissionpolicy.Trusted(p.Spec.Namespaces.LabelAdmins, admissionpolicy.ServiceAccounts(g.PaveNamespace))},
			{Name: "annotations", Expression: "has(object.metadata.annotations) ? object.metadata.annotations : {}"},
			{Name: "old", Expression: "oldObject != null && has(oldObject.metadata.annotations) ? oldObject.metadata.annotations : {}"},
			{Name: "snippets", Expression: "variables.annotations.filter(k, (" + snippet + ") && (" + added + "))"},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: "variables.trusted || size(variables.snippets) == 0",
			MessageExpression: "'Ingress ' + object.metadata.name + ' sets annotation ' + variables.snippets[0] + ': a snippet is raw configuration of the ingress controller every namespace shares, " +
				"and can read its credentials and other teams\\' traffic; use the controller\\'s own annotations for the setting, or ask the platform team'",
		}},
	}), nil
}
