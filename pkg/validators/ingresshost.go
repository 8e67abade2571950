package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
)

// IngressHost keeps a team's Ingress off the hosts another team routes, a
// team's Gateway API route (HTTPRoute, GRPCRoute, TLSRoute) or ListenerSet
// off the hosts another team's routes and listeners take, and a team's Istio
// VirtualService bound to a gateway off the hosts another team's
// VirtualServices route on gateways. Every team's Ingresses configure the
// one shared controller, which merges the rules of a host from every
// namespace; routes attached to a shared Gateway merge the same way, and so
// do the VirtualServices of one host on an Istio ingress gateway: naming
// another team's host (or a path under it, or a wildcard over it) takes that
// team's traffic, TLS termination included. A host belongs to the team whose
// Ingress (or route) routes it; a namespace that names no team is its own
// owner. On an update, a host routed already is not judged again
// (engine.ValidateObject marks it preexisting), so two that shared a host
// before pave stay editable.
type IngressHost struct{}

var ruleIngressHost = policy.Rule{ID: "ingress-host", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "an Ingress (or Gateway API route, or Istio VirtualService bound to a gateway) takes no host, nor wildcard over one, that another team's routes, or publishes in DNS: the shared controller would send their traffic here"}

// Name implements engine.ObjectValidator.
func (IngressHost) Name() string { return "ingress-host" }

// Kinds implements engine.ObjectValidator.
func (IngressHost) Kinds() []schema.GroupVersionKind {
	return ingress.Kinds()
}

// Rules implements engine.ObjectValidator.
func (IngressHost) Rules() []policy.Rule { return []policy.Rule{ruleIngressHost} }

// ValidateObject implements engine.ObjectValidator, against the routes the
// adapter found (policy.Env.Routes).
func (IngressHost) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	if field, n, ok := ingress.Entries(obj); ok && n > ingress.MaxHosts {
		// Not judged further: one finding, without the count in its words,
		// so an update of an object over the bound before pave stays
		// preexisting while it does not grow (Measure).
		kind := ingress.KindOf(obj)
		v := ruleIngressHost.Violation(field,
			fmt.Sprintf("%s %q writes more than %d hosts: the admission server keeps every team's hosts in memory, and objects of thousands of them would take it, and every team's deploys, down", kind, obj.GetName(), ingress.MaxHosts),
			fmt.Sprintf("split the hosts over several %s of at most %d each; one over the bound before pave keeps its updates only while they add none", plural(kind), ingress.MaxHosts))
		v.Measure = n
		return []policy.Violation{v}
	}
	_, hosts, ok := ingress.HostsOf(obj)
	if !ok {
		return nil
	}
	kind := ingress.KindOf(obj)
	if kind != "Ingress" && obj.GetLabels()[v1alpha1.LabelManagedBy] == v1alpha1.ManagedByPave {
		return []policy.Violation{ruleIngressHost.Violation("metadata.labels["+v1alpha1.LabelManagedBy+"]",
			fmt.Sprintf("%s %q is labelled %s: %s, which marks what pave writes, and pave writes no %s: the admission server leaves pave's objects out of the hosts it judges others against, so any team could take this one's hosts",
				kind, obj.GetName(), v1alpha1.LabelManagedBy, v1alpha1.ManagedByPave, kind),
			fmt.Sprintf("remove the label, or name the tool that manages it (%s: Helm)", v1alpha1.LabelManagedBy))}
	}
	if len(env.Routes) == 0 {
		return nil
	}
	return takenHosts(obj, env, hosts, func(host string, taken []policy.Route) policy.Violation {
		return ruleIngressHost.Violation(hostField(obj, host), hostTaken(kind, obj.GetName(), host, taken),
			fmt.Sprintf("route a host no other team routes or publishes; if %s should move to your team, %s first removes it from %s %s/%s; namespaces of one team share their hosts (the platform team labels them %s)",
				hostName(taken[0].Host), ownerName(taken[0]), taken[0].Kind, taken[0].Namespace, taken[0].Name, v1alpha1.LabelTeam))
	})
}

// takenHosts is a finding, worded by found, for each of obj's hosts that
// routes of another owner take (othersRouting), in the order of hosts.
func takenHosts(obj object, env policy.Env, hosts []string, found func(host string, taken []policy.Route) policy.Violation) []policy.Violation {
	routedByOthers := othersRouting(obj, env)
	var out []policy.Violation
	for _, host := range hosts {
		if taken := routedByOthers(host); len(taken) > 0 {
			out = append(out, found(host, taken))
		}
	}
	return out
}

// othersRouting returns what finds the routes of env that overlap a host
// and belong to another owner than obj's namespace.
func othersRouting(obj object, env policy.Env) func(host string) []policy.Route {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = env.Namespace.Name
	}
	mine := owner(ns, v1alpha1.TeamOf(env.Namespace.Labels))
	var iso v1alpha1.ZoneIsolation
	if env.Policy != nil {
		iso = env.Policy.Spec.Zones.Isolation
	}
	// The routes by host, through an index: an object of thousands of
	// hosts against thousands of routes stays linear.
	byHost := map[string][]int{}
	hosts := make([]string, 0, len(env.Routes))
	for i, r := range env.Routes {
		if owner(r.Namespace, r.Team) == mine || platformsName(r, iso) {
			continue
		}
		if _, ok := byHost[r.Host]; !ok {
			hosts = append(hosts, r.Host)
		}
		byHost[r.Host] = append(byHost[r.Host], i)
	}
	idx := ingress.NewOverlaps(hosts)
	return func(host string) []policy.Route {
		var at []int
		for _, h := range idx.Of(host) {
			at = append(at, byHost[h]...)
		}
		slices.Sort(at) // in env.Routes' order: findings name the first
		taken := make([]policy.Route, len(at))
		for i, j := range at {
			taken[i] = env.Routes[j]
		}
		return taken
	}
}

// platformsName reports whether r is a name a Service of the platform's
// shared services publishes (the ingress controller's, the mesh's
// gateways', in the namespaces the zones leave alone): the wildcard that
// sends a domain to the shared ingress controller, under which the teams'
// Ingresses divide its hosts, claims none of them.
func platformsName(r policy.Route, iso v1alpha1.ZoneIsolation) bool {
	return r.Kind == "Service" && policy.Infrastructure(iso, r.Namespace)
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

// hostTaken says which Ingress (or route) of which owner routes host.
func hostTaken(kind, name, host string, taken []policy.Route) string {
	what := hostName(host)
	shared := "the ingress controller every team shares"
	switch kind {
	case "Ingress":
		if host == ingress.CatchAll {
			what = "the traffic no host matches (a rule without a host, or a default backend alone)"
		}
	case mesh.KindVirtualService:
		if host == ingress.CatchAll {
			what = `every host of the gateways it binds to that no other VirtualService names (host "*")`
		}
		shared = "an Istio gateway both teams bind to"
	case ingress.KindListenerSet:
		if host == ingress.CatchAll {
			what = "every host on its port (a listener without a hostname)"
		}
		shared = "a Gateway both teams attach to"
	default:
		if host == ingress.CatchAll {
			what = "every host of the listeners it attaches to (it names no hostnames)"
		}
		shared = "a Gateway both teams attach to"
	}
	if taken[0].Kind == "Service" {
		return fmt.Sprintf("%s %q takes %s, but %s in DNS: the name is that team's, and external-dns keeps one record of it",
			kind, name, what, routedBy(host, taken, "overlaps it"))
	}
	return fmt.Sprintf("%s %q takes %s, but %s: %s would send that traffic here",
		kind, name, what, routedBy(host, taken, "overlaps it"), shared)
}

// routedBy names the first of taken, the routes (or Services publishing
// names) of other teams over host,
// and how many more there are; overlap says how the first one's host
// relates to host when it is not host itself.
func routedBy(host string, taken []policy.Route, overlap string) string {
	r := taken[0]
	verb := "routes" // a Service's names are published, not routed
	if r.Kind == "Service" {
		verb = "publishes"
	}
	how := verb + " it"
	if r.Host != host {
		how = fmt.Sprintf("%s %s, which %s", verb, hostName(r.Host), overlap)
	}
	more := ""
	if len(taken) > 1 {
		more = fmt.Sprintf(" (and %d more of other teams)", len(taken)-1)
	}
	return fmt.Sprintf("%s %s/%s of %s %s%s", r.Kind, r.Namespace, r.Name, ownerName(r), how, more)
}

// hostField is where host comes from: an Ingress's first rule naming it,
// its default backend or its server alias annotation; a route's hostname;
// a VirtualService's host.
func hostField(obj object, host string) string {
	var names []gatewayv1.Hostname
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		written, _, _ := unstructured.NestedStringSlice(o.Object, "spec", "hosts")
		for i, h := range written {
			if resolved, ok := ingress.GatewayHost(h, o.GetNamespace()); ok && resolved == host {
				return fmt.Sprintf("spec.hosts[%d]", i)
			}
		}
		return "spec.hosts"
	case *networkingv1.Ingress:
		for i, r := range o.Spec.Rules {
			if strings.ToLower(r.Host) == host {
				return fmt.Sprintf("spec.rules[%d].host", i)
			}
		}
		if host == ingress.CatchAll {
			return "spec.defaultBackend"
		}
		return "metadata.annotations[" + ingress.HostAnnotation(o, host) + "]"
	case *gatewayv1.ListenerSet:
		for i, l := range o.Spec.Listeners {
			if taken, ok := ingress.ListenerHost(l); !ok || taken != host {
				continue
			}
			if host == ingress.CatchAll {
				return fmt.Sprintf("spec.listeners[%d]", i)
			}
			return fmt.Sprintf("spec.listeners[%d].hostname", i)
		}
		return "spec.listeners"
	default:
		names, _ = ingress.Hostnames(obj)
	}
	for i, h := range names {
		if strings.ToLower(string(h)) == host {
			return fmt.Sprintf("spec.hostnames[%d]", i)
		}
	}
	return "spec.hostnames"
}

// plural is the plural of a kind's name: Ingresses, HTTPRoutes.
func plural(kind string) string {
	if strings.HasSuffix(kind, "s") {
		return kind + "es"
	}
	return kind + "s"
}
