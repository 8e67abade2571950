package validators

import (
	"context"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// IngressReach warns of an Ingress in a zone that takes no traffic from
// outside the cluster: the zone's NetworkPolicies do not let the ingress
// controller's namespace in, so the Ingress is admitted, the controller
// routes to it, and every request ends in a gateway timeout nobody
// explains. It opens nothing, so it warns; service-exposure's fix sends
// teams to an Ingress, and this says where one works.
type IngressReach struct{}

var ruleIngressReach = policy.Rule{ID: "ingress-reachable", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "Ingresses only in a zone that takes traffic from outside (spec.zones.access[].fromOutside): elsewhere the ingress controller is not let in"}

// Name implements engine.ObjectValidator.
func (IngressReach) Name() string { return "ingress-reachable" }

// Kinds implements engine.ObjectValidator.
func (IngressReach) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{networkingv1.SchemeGroupVersion.WithKind("Ingress")}
}

// Rules implements engine.ObjectValidator.
func (IngressReach) Rules() []policy.Rule { return []policy.Rule{ruleIngressReach} }

// ValidateObject implements engine.ObjectValidator.
func (IngressReach) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	ing, ok := obj.(*networkingv1.Ingress)
	if !ok {
		return nil
	}
	d, closed := closedToOutside(env)
	if d.Zone != "" && !closed && env.Policy.Spec.Zones.Isolation.Ingress() == "" {
		return []policy.Violation{ruleIngressReach.Violation("spec",
			fmt.Sprintf("Ingress %q routes traffic from outside the cluster to zone %q (%s), but the policy names no ingress controller namespace (spec.zones.isolation.ingressNamespace), so no zone lets the controller in and its backends will not answer",
				ing.Name, d.Zone, d.NamespaceSource()),
			"ask the platform team to name the ingress controller's namespace in spec.zones.isolation.ingressNamespace")}
	}
	if !closed {
		return nil
	}
	return []policy.Violation{ruleIngressReach.Violation("spec",
		fmt.Sprintf("Ingress %q routes traffic from outside the cluster to zone %q (%s), which takes none: the ingress controller's namespace %s is not let in, so its backends will not answer",
			ing.Name, d.Zone, d.NamespaceSource(), env.Policy.Spec.Zones.Isolation.Ingress()),
		fmt.Sprintf("run the service in a namespace of a zone that takes traffic from outside and put the Ingress there; or ask the platform team to open zone %q (spec.zones.access[].fromOutside)", d.Zone))}
}
