package validators

import (
	"context"
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// IngressHost keeps a team's Ingress off the hosts another team routes.
// Every team's Ingresses configure the one shared controller, which merges
// the rules of a host from every namespace: an Ingress naming another
// team's host (or a path under it, or a wildcard over it) takes that
// team's traffic, TLS termination included. A host belongs to the team
// whose Ingress routes it; a namespace that names no team is its own
// owner. On an update, a host the Ingress routed already is not judged
// again (engine.ValidateObject marks it preexisting), so two Ingresses that
// shared a host before pave stay editable.
type IngressHost struct{}

var ruleIngressHost = policy.Rule{ID: "ingress-host", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "an Ingress routes no host (nor wildcard over one) that another team's Ingress routes: the shared ingress controller would send that team's traffic here"}

// Name implements engine.ObjectValidator.
func (IngressHost) Name() string { return "ingress-host" }

// Kinds implements engine.ObjectValidator.
func (IngressHost) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{networkingv1.SchemeGroupVersion.WithKind("Ingress")}
}

// Rules implements engine.ObjectValidator.
func (IngressHost) Rules() []policy.Rule { return []policy.Rule{ruleIngressHost} }

// ValidateObject implements engine.ObjectValidator, against the routes the
// adapter found (policy.Env.Routes).
func (IngressHost) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	ing, ok := obj.(*networkingv1.Ingress)
	if !ok || len(env.Routes) == 0 {
		return nil
	}
	ns := ing.Namespace
	if ns == "" {
		ns = env.Namespace.Name
	}
	mine := owner(ns, v1alpha1.TeamOf(env.Namespace.Labels))
	var out []policy.Violation
	for _, host := range ingress.Hosts(ing) {
		var taken []policy.Route
		for _, r := range env.Routes {
			if ingress.Overlap(host, r.Host) && owner(r.Namespace, r.Team) != mine {
				taken = append(taken, r)
			}
		}
		if len(taken) == 0 {
			continue
		}
		out = append(out, ruleIngressHost.Violation(hostField(ing, host), hostTaken(ing.Name, host, taken),
			fmt.Sprintf("route a host no other team routes; if %s should move to your team, %s first removes it from Ingress %s/%s; namespaces of one team share their hosts (the platform team labels them %s)",
				hostName(taken[0].Host), ownerName(taken[0]), taken[0].Namespace, taken[0].Name, v1alpha1.LabelTeam)))
	}
	return out
}

// owner is who a route belongs to: the team, else the namespace alone.
func owner(namespace, team string) string {
	if team != "" {
		return "team " + team
	}
	return "namespace " + namespace
}

func ownerName(r policy.Route) string {
	if r.Team != "" {
		return fmt.Sprintf("team %q", r.Team)
	}
	return fmt.Sprintf("namespace %q", r.Namespace)
}

func hostName(h string) string {
	if h == ingress.CatchAll {
		return "the traffic no host matches"
	}
	return fmt.Sprintf("host %q", h)
}

// hostTaken says which Ingress of which owner routes host already.
func hostTaken(name, host string, taken []policy.Route) string {
	r := taken[0]
	what := hostName(host)
	if host == ingress.CatchAll {
		what = "the traffic no host matches (a rule without a host, or a default backend alone)"
	}
	how := "routes it"
	if r.Host != host {
		how = fmt.Sprintf("routes %s, which overlaps it", hostName(r.Host))
	}
	more := ""
	if len(taken) > 1 {
		more = fmt.Sprintf(" (and %d more Ingresses of other teams)", len(taken)-1)
	}
	return fmt.Sprintf("Ingress %q takes %s, but Ingress %s/%s of %s %s%s: the ingress controller every team shares would send that traffic here",
		name, what, r.Namespace, r.Name, ownerName(r), how, more)
}

// hostField is where host comes from: the first rule naming it, the
// default backend, or the server alias annotation.
func hostField(ing *networkingv1.Ingress, host string) string {
	for i, r := range ing.Spec.Rules {
		if strings.ToLower(r.Host) == host {
			return fmt.Sprintf("spec.rules[%d].host", i)
		}
	}
	if host == ingress.CatchAll {
		return "spec.defaultBackend"
	}
	return "metadata.annotations[" + ingress.ServerAlias + "]"
}
