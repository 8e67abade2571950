package validators

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// ServiceExternalIPs denies Services that set spec.externalIPs: anyone who may
// create a Service could otherwise take over traffic to any IP address in the
// cluster (CVE-2020-8554; Kubernetes recommends blocking the field by
// admission). The first rule on an object without a pod template.
type ServiceExternalIPs struct{}

var ruleServiceExternalIPs = policy.Rule{ID: "service-external-ips", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "Services set no spec.externalIPs (CVE-2020-8554: they can intercept traffic to any IP)"}

// Name implements engine.ObjectValidator.
func (ServiceExternalIPs) Name() string { return "service-external-ips" }

// Kinds implements engine.ObjectValidator.
func (ServiceExternalIPs) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Version: "v1", Kind: "Service"}}
}

// Rules implements engine.ObjectValidator.
func (ServiceExternalIPs) Rules() []policy.Rule { return []policy.Rule{ruleServiceExternalIPs} }

// ValidateObject implements engine.ObjectValidator.
func (ServiceExternalIPs) ValidateObject(_ context.Context, obj object, _ policy.Env) []policy.Violation {
	svc, ok := obj.(*corev1.Service)
	if !ok || len(svc.Spec.ExternalIPs) == 0 {
		return nil
	}
	return []policy.Violation{ruleServiceExternalIPs.Violation("spec.externalIPs",
		fmt.Sprintf("Service %q claims the external IPs %s, which lets it intercept traffic meant for them", svc.Name, strings.Join(svc.Spec.ExternalIPs, ", ")),
		"remove spec.externalIPs and expose the service through an Ingress (or type: LoadBalancer, in a zone that takes traffic from outside); the platform team assigns external addresses")}
}
