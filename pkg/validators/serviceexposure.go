package validators

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// ServiceExposure denies a Service of type NodePort or LoadBalancer in a
// zone that takes no traffic from outside the cluster: such a Service opens
// a port on every node (and an address on the load balancer), past the
// ingress controller the zone model lets in, and whether the zone's
// NetworkPolicies still hold traffic that arrives through a node depends on
// the CNI. Gatekeeper's library and Kyverno's best practices block the same
// types. The platform's shared namespaces (the ingress controller's) are
// left alone, as the zones leave them.
type ServiceExposure struct{}

var ruleServiceExposure = policy.Rule{ID: "service-exposure", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "Services of type NodePort or LoadBalancer only in a zone that takes traffic from outside (spec.zones.access[].fromOutside)"}

// Name implements engine.ObjectValidator.
func (ServiceExposure) Name() string { return "service-exposure" }

// Kinds implements engine.ObjectValidator.
func (ServiceExposure) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Version: "v1", Kind: "Service"}}
}

// Rules implements engine.ObjectValidator.
func (ServiceExposure) Rules() []policy.Rule { return []policy.Rule{ruleServiceExposure} }

// ValidateObject implements engine.ObjectValidator.
func (ServiceExposure) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	svc, ok := obj.(*corev1.Service)
	if !ok || (svc.Spec.Type != corev1.ServiceTypeNodePort && svc.Spec.Type != corev1.ServiceTypeLoadBalancer) {
		return nil
	}
	d, closed := closedToOutside(env)
	if !closed {
		return nil
	}
	return []policy.Violation{ruleServiceExposure.Violation("spec.type",
		fmt.Sprintf("Service %q is of type %s, which takes traffic from outside the cluster on every node, and zone %q (%s) takes none",
			svc.Name, svc.Spec.Type, d.Zone, d.NamespaceSource()),
		fmt.Sprintf("remove spec.type (ClusterIP) and reach the service through an Ingress in a zone that takes traffic from outside; or ask the platform team to open zone %q (spec.zones.access[].fromOutside)", d.Zone))}
}

// closedToOutside is the zone of env's namespace, and whether the zones are
// isolated and it is one that takes no traffic from outside the cluster (the
// platform's shared namespaces are no zone's).
func closedToOutside(env policy.Env) (policy.ZoneDecision, bool) {
	z := env.Policy.Spec.Zones
	if z.Isolation.InForce() == v1alpha1.IsolationOff || policy.Infrastructure(z.Isolation, env.Namespace.Name) {
		return policy.ZoneDecision{}, false
	}
	d := policy.DecideZone(env)
	return d, d.Zone != "" && !policy.BoundaryOf(z, d.Zone).FromOutside
}
