package policy

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// validateWritten checks the values pave copies into other APIs' objects as
// those APIs judge them. A value they refuse, or take and never act on, would
// fail for every workload or namespace at once, long after the policy was
// accepted: the controller's apply refused by Istio's validation, Velero's
// Schedules marked invalid and no backup ever taken.
func validateWritten(s v1alpha1.PlatformPolicySpec) error {
	if s.Mesh.Mode.UsesIstio() {
		if err := validateRetryOn(s.Mesh.Traffic.Retries.RetryOn); err != nil {
			return fmt.Errorf("spec.mesh.traffic.retries.retryOn: %w", err)
		}
	}
	b := s.Backups
	if b.On() {
		// Velero parses a Schedule's cron with this library and call.
		if _, err := cron.ParseStandard(b.Schedule); err != nil {
			return fmt.Errorf("spec.backups.schedule: %q is not a cron schedule Velero reads (%v): write five fields, such as \"0 2 * * *\", or @daily", b.Schedule, err)
		}
	}
	if ns := b.VeleroNamespace; ns != "" {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return fmt.Errorf("spec.backups.veleroNamespace: %q is not a namespace name: %s", ns, strings.Join(errs, "; "))
		}
	}
	for i, name := range s.Monitoring.PortNames {
		if errs := validation.IsValidPortName(name); len(errs) > 0 {
			return fmt.Errorf("spec.monitoring.portNames[%d]: %q is not a container port name, so no port could match it: %s", i, name, strings.Join(errs, "; "))
		}
	}
	return nil
}

// validateRetryOn judges retryOn as Istio's validation does: each
// comma-separated condition is one of Envoy's (x-envoy-retry-on and
// x-envoy-retry-grpc-on values), or an HTTP status code.
func validateRetryOn(retryOn string) error {
	if retryOn == "" {
		return nil
	}
	retryOnPolicies := []string{
		"5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
		"retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
		"cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
	}
	for _, c := range strings.Split(retryOn, ",") {
		code, _ := strconv.Atoi(c)
		if http.StatusText(code) == "" && !slices.Contains(retryOnPolicies, c) {
			return fmt.Errorf("%q is not a retry condition Istio takes (one of %s, or an HTTP status code; no spaces): Istio would refuse every VirtualService pave writes", c, strings.Join(retryOnPolicies, ", "))
		}
	}
	return nil
}
