package validators

import (
	"cmp"
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// DNSHost keeps the names external-dns publishes for a team's Service off
// the hosts another team routes, as ingress-host keeps a team's Ingresses
// off them. external-dns writes the names of a Service's
// external-dns.alpha.kubernetes.io/hostname annotation (and
// internal-hostname) into the company's DNS zone at the Service's address,
// for any namespace that names them: another team's host pointed at a
// team's own load balancer takes that team's clients, whatever its
// Ingresses say. A name another team's Service publishes is that team's
// too: external-dns keeps one record of a name, its first owner's, so a
// second Service of the name takes it over the day the first is
// recreated. A Service of the platform's shared services (in a namespace
// the zones leave alone) publishes names for the teams' routes, as the
// ingress controller's wildcard does, and is not judged: those names claim
// nothing. A host no one routes or publishes is anyone's. The names
// are bounded as an Ingress's hosts are: the admission server keeps them
// in memory to find who published a name.
type DNSHost struct{}

var ruleDNSHost = policy.Rule{ID: "dns-host", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "a Service has external-dns publish no host, nor wildcard over one, that another team's Ingress or route routes or Service publishes, and at most 64 names: the name would point at this Service"}

// Name implements engine.ObjectValidator.
func (DNSHost) Name() string { return "dns-host" }

// Kinds implements engine.ObjectValidator.
func (DNSHost) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{corev1.SchemeGroupVersion.WithKind("Service")}
}

// Rules implements engine.ObjectValidator.
func (DNSHost) Rules() []policy.Rule { return []policy.Rule{ruleDNSHost} }

// ValidateObject implements engine.ObjectValidator, against the routes the
// adapter found (policy.Env.Routes).
func (DNSHost) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	svc, ok := obj.(*corev1.Service)
	if !ok {
		return nil
	}
	if field, n, _ := ingress.Entries(svc); n > ingress.MaxHosts {
		// One finding, without the count in its words: one over the bound
		// before pave stays preexisting while it does not grow (Measure).
		v := ruleDNSHost.Violation(field,
			fmt.Sprintf("Service %q has external-dns publish more than %d names: the admission server keeps every team's published names in memory, and Services of thousands of them would take it, and every team's deploys, down", svc.Name, ingress.MaxHosts),
			fmt.Sprintf("split the names over several Services of at most %d each; one over the bound before pave keeps its updates only while they add none", ingress.MaxHosts))
		v.Measure = n
		return []policy.Violation{v}
	}
	if len(env.Routes) == 0 || env.Policy != nil && policy.Infrastructure(env.Policy.Spec.Zones.Isolation, cmp.Or(svc.Namespace, env.Namespace.Name)) {
		return nil // the platform's front ends publish names for the teams' routes (platformsName)
	}
	hosts, _ := ingress.PublishedHosts(svc)
	return takenHosts(obj, env, hosts, func(host string, taken []policy.Route) policy.Violation {
		r := taken[0]
		return ruleDNSHost.Violation("metadata.annotations["+ingress.PublishedHostAnnotation(svc, host)+"]",
			fmt.Sprintf("Service %q has external-dns publish %s at its own address, but %s: that team's clients would reach this Service",
				svc.Name, hostName(host), routedBy(host, taken, "it covers")),
			fmt.Sprintf("publish only hosts your team routes or no one has; if %s should move to your team, %s first removes it from %s %s/%s",
				hostName(r.Host), ownerName(r), r.Kind, r.Namespace, r.Name))
	})
}
