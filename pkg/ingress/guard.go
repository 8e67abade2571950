// Package ingress guards the ingress controller every namespace shares from
// what a team's Ingress could ask of it.
package ingress

import (
	"context"
	"strings"

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

// breaksOut is the regular expression, in a CEL string, of the characters
// that end a directive of nginx.conf or the string a value is quoted in: a
// line break, a semicolon, a quote, a backquote.
const breaksOut = "'[;\\x0a\\x0d\\x22\\x27\\x60]'"

// injected is the CEL condition that the value of ingress-nginx annotation
// k holds what ends or opens a directive of the nginx.conf it is written
// into: a line break, semicolon, quote or backquote, or a brace that is not
// a ${variable}'s (nor, in a -pattern annotation, a regular expression's).
// Every injection through the controller's own annotations so far was so:
// CVE-2021-25746 (alias and root directives), CVE-2025-24514, -1097 and
// -1098 (IngressNightmare's auth-url, auth-tls-match-cn and mirror-target),
// CVE-2026-3288 (rewrite-target's quote). None of the controller's
// documented values needs one: URLs, paths, lists, ${remote_addr}.
const injected = "k.startsWith('nginx.ingress.kubernetes.io/') && " +
	"(variables.annotations[k].matches(" + breaksOut + ") || !k.endsWith('-pattern') && !variables.annotations[k].matches('^([^{}]|[$][{][A-Za-z0-9_]+[}])*$'))"

// injectedPath is the CEL condition that path p of an Ingress rule would
// break out of the location ingress-nginx writes it into (CVE-2021-25745):
// a path of type ImplementationSpecific is any string that starts with a
// slash to the API server, and a regular expression to the controller, so
// its braces stay; one the Ingress had, unchanged, stays editable.
const injectedPath = "has(p.path) && p.path.matches(" + breaksOut + ") && " +
	"!(oldObject != null && has(oldObject.spec.rules) && oldObject.spec.rules.exists(o, has(o.http) && o.http.paths.exists(q, has(q.path) && q.path == p.path)))"

// references are ingress-nginx's annotations that name a Secret or
// ConfigMap the controller reads for the Ingress, as name or
// namespace/name: a client certificate it presents upstream, a CA it
// verifies clients with, basic-auth users, headers it sets. The
// controller reads every namespace's, so one of another namespace would
// lend this Ingress that namespace's credentials.
var references = []string{"auth-tls-secret", "proxy-ssl-secret", "auth-secret", "auth-proxy-set-headers", "custom-headers", "fastcgi-params-configmap"}

// foreign is the CEL condition that annotation k names a Secret or
// ConfigMap of another namespace than the request's.
func foreign() string {
	keys := make([]string, len(references))
	for i, r := range references {
		keys[i] = "'nginx.ingress.kubernetes.io/" + r + "'"
	}
	return "k in [" + strings.Join(keys, ", ") + "] && variables.annotations[k].contains('/') && !variables.annotations[k].startsWith(request.namespace + '/')"
}

// Guard generates the ValidatingAdmissionPolicy that refuses configuration
// snippets, annotation values and paths that would be read as
// configuration, and references to another namespace's Secrets and
// ConfigMaps, on the Ingresses of the namespaces pave governs. A snippet is
// raw nginx configuration of the ingress controller that serves every
// namespace: with it a team member reads the controller's credentials
// (which read every Secret) and other teams' traffic (CVE-2021-25742,
// CVE-2025-1974). It is a ValidatingAdmissionPolicy, not a rule of pave's
// webhook, for the other guards' reasons: it needs nothing but the request
// and who sends it, and Ingresses go to the webhook entry that fails open.
// The platform team and pave may set both; an Ingress keeping the one it
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
	// A snippet or value is allowed where the Ingress had it, unchanged.
	added := "!(k in variables.old) || variables.old[k] != variables.annotations[k]"
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Group: "networking.k8s.io", Version: "v1", Resources: []string{"ingresses"},
		Namespaces: admissionpolicy.Except(g.Ungoverned()),
		Variables: []admissionregistrationv1.Variable{
			{Name: "trusted", Expression: admissionpolicy.Trusted(p.Spec.Namespaces.LabelAdmins, admissionpolicy.ServiceAccounts(g.PaveNamespace))},
			{Name: "annotations", Expression: "has(object.metadata.annotations) ? object.metadata.annotations : {}"},
			{Name: "old", Expression: "oldObject != null && has(oldObject.metadata.annotations) ? oldObject.metadata.annotations : {}"},
			{Name: "snippets", Expression: "variables.annotations.filter(k, (" + snippet + ") && (" + added + "))"},
			{Name: "injected", Expression: "variables.annotations.filter(k, !(" + snippet + ") && (" + injected + ") && (" + added + "))"},
			{Name: "foreign", Expression: "variables.annotations.filter(k, (" + foreign() + ") && (" + added + "))"},
			{Name: "paths", Expression: "has(object.spec.rules) ? object.spec.rules.filter(r, has(r.http)).map(r, r.http.paths.filter(p, " + injectedPath + ").map(p, p.path)).filter(l, size(l) > 0) : []"},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: "variables.trusted || size(variables.snippets) == 0",
			MessageExpression: "'Ingress ' + object.metadata.name + ' sets annotation ' + variables.snippets[0] + ': a snippet is raw configuration of the ingress controller every namespace shares, " +
				"and can read its credentials and other teams\\' traffic; use the controller\\'s own annotations for the setting, or ask the platform team'",
		}, {
			Expression: "variables.trusted || size(variables.injected) == 0",
			MessageExpression: "'Ingress ' + object.metadata.name + ' sets annotation ' + variables.injected[0] + ' to a value with a line break, semicolon, quote or brace, which the ingress controller every namespace shares would read as configuration of its own " +
				"(annotation injection, CVE-2025-1974); write the setting\\'s plain value (a URL, path or list), or ask the platform team'",
		}, {
			Expression: "variables.trusted || size(variables.paths) == 0",
			MessageExpression: "'Ingress ' + object.metadata.name + ' routes path ' + variables.paths[0][0] + ', with a line break, semicolon or quote, which the ingress controller every namespace shares would read as configuration of its own " +
				"(CVE-2021-25745); write the path the service answers on, or ask the platform team'",
		}, {
			Expression: "variables.trusted || size(variables.foreign) == 0",
			MessageExpression: "'Ingress ' + object.metadata.name + ' sets annotation ' + variables.foreign[0] + ' to ' + variables.annotations[variables.foreign[0]] + ', of another namespace: the ingress controller every namespace shares would use it for this Ingress " +
				"as if it were the namespace\\'s own; name a Secret or ConfigMap of namespace ' + request.namespace + ', or ask the platform team'",
		}},
	}), nil
}
