package validators

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
)

// ServiceExternalName keeps an ExternalName Service to the names its team
// could reach anyway. Whoever resolves the alias connects to the name from
// where it sits: a team's own pods, bound by their zone, but also the shared
// ingress controller and gateways, which proxy to an Ingress's or route's
// backend from the platform's namespace, with its network reach (the
// cloud's metadata address, the platform's own services, hosts the team's
// zone may not reach). That is CVE-2021-25740's class; Gateway API asks
// implementations to refuse such backends, and ingress-nginx does not by
// default. So an ExternalName Service may name a Service in a namespace the
// zones isolate (<service>.<namespace>.svc, or .svc.cluster.local), or a
// host outside the cluster its zone's access entry lists
// (spec.zones.access[].externalNames). Not the API server's Service, not a
// Service in a namespace the zones leave alone, not a short name (it
// resolves in the namespace of whoever resolves it), not an address.
type ServiceExternalName struct{}

var ruleServiceExternalName = policy.Rule{ID: "service-external-name", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "an ExternalName Service names a Service of a zoned namespace, or a host its zone lists in spec.zones.access[].externalNames: the shared ingress controller proxies to the name"}

// Name implements engine.ObjectValidator.
func (ServiceExternalName) Name() string { return "service-external-name" }

// Kinds implements engine.ObjectValidator.
func (ServiceExternalName) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Version: "v1", Kind: "Service"}}
}

// Rules implements engine.ObjectValidator.
func (ServiceExternalName) Rules() []policy.Rule { return []policy.Rule{ruleServiceExternalName} }

// ValidateObject implements engine.ObjectValidator.
func (ServiceExternalName) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	svc, ok := obj.(*corev1.Service)
	if !ok || svc.Spec.Type != corev1.ServiceTypeExternalName {
		return nil
	}
	z := env.Policy.Spec.Zones
	if policy.Infrastructure(z.Isolation, env.Namespace.Name) {
		return nil // the platform's shared namespaces are no zone's
	}
	name := strings.TrimSuffix(strings.ToLower(svc.Spec.ExternalName), ".")
	if name == "" {
		return nil // the API server refuses it as invalid
	}
	why, fix := externalNameRefused(name, env)
	if why == "" {
		return nil
	}
	return []policy.Violation{ruleServiceExternalName.Violation("spec.externalName",
		fmt.Sprintf("Service %q aliases %q, %s; the shared ingress controller would proxy to it for any Ingress naming the Service", svc.Name, svc.Spec.ExternalName, why), fix)}
}

// externalNameRefused says why name may not be aliased in env's namespace,
// and what to do; "" when it may.
func externalNameRefused(name string, env policy.Env) (why, fix string) {
	r := reachOf(name, env)
	switch r.refusal {
	case reachAllowed:
		return "", ""
	case reachAPIServer:
		return r.why, "name the API server as kubernetes.default.svc where it is used; no Service aliases it"
	case reachInfrastructure:
		return r.why, fmt.Sprintf("name a Service in a namespace of the zones; the platform team exposes what %s serves", r.namespace)
	case reachShortName:
		return r.why + " (the ingress controller's own, for an Ingress)", "write the Service's full name: " + mesh.ServiceHost(name, env.Namespace.Name)
	}
	return r.why, fmt.Sprintf("have the workload use %s itself, or ask the platform team to add it to spec.zones.access[].externalNames of zone %q", name, r.zone)
}

// clusterService reads name as the DNS name of a Service of the cluster:
// <service>.<namespace>.svc, or .svc.cluster.local, or a pod of a headless
// Service (<pod>.<service>.<namespace>.svc: a StatefulSet's). Another
// cluster domain is a host like any other (list it in externalNames): a
// name that merely contains "svc" may be anyone's domain.
func clusterService(name string) (service, namespace string, ok bool) {
	rest, found := strings.CutSuffix(name, ".svc")
	if !found {
		if rest, found = strings.CutSuffix(name, mesh.ServiceDomain); !found {
			return "", "", false
		}
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 || i == len(rest)-1 || strings.Count(rest, ".") > 2 {
		return "", "", false
	}
	service, namespace = rest[:i], rest[i+1:]
	if strings.Contains(service, ".") {
		_, service, _ = strings.Cut(service, ".") // the headless Service of the pod named first
	}
	return service, namespace, service != ""
}

// hostMatches reports whether host is pattern, or under it for a pattern
// "*.<domain>" (at any depth: a cloud's database hosts are several labels
// under its domain).
func hostMatches(pattern, host string) bool {
	pattern = strings.TrimSuffix(strings.ToLower(pattern), ".")
	if domain, ok := strings.CutPrefix(pattern, "*."); ok {
		return strings.HasSuffix(host, "."+domain)
	}
	return host == pattern
}
