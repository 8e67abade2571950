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
	if err := validateTraffic(s.Mesh.Traffic); err != nil {
		return err
	}
	b := s.Backups
	// Velero counts a backup expired at its start plus its TTL, so a
	// negative one has every backup deleted once made; 0s is Velero's
	// default lifetime.
	if b.TTL != nil && b.TTL.Duration < 0 {
		return fmt.Errorf("spec.backups.ttl: %s is negative: Velero would delete every backup as soon as it is made; write how long backups are kept, such as 720h, or 0s for Velero's default", b.TTL.Duration)
	}
	if r := s.Secrets.RefreshInterval; r != nil && r.Duration < 0 {
		return fmt.Errorf("spec.secrets.refreshInterval: %s is negative; write how often Secrets are read again from the store, such as 1h, or 0s to read each once", r.Duration)
	}
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
	if err := validateZoneLabels(s); err != nil {
		return err
	}
	// The dashboards' ConfigMaps carry these labels, and the Grafana
	// sidecar finds them by them.
	if err := labelMap("spec.monitoring.dashboards.labels", s.Monitoring.Dashboards.Labels); err != nil {
		return err
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

// validateZoneLabels checks the zones' and tiers' names, which pave writes as
// label values (pave.dev/zone on every workload and Pod, pave.dev/tier on
// the quota objects), the DNS pods' labels and the ports pave's
// NetworkPolicies name: a value the API server refuses there had every
// workload, or every namespace's policies, refused.
func validateZoneLabels(s v1alpha1.PlatformPolicySpec) error {
	z := s.Zones
	for i, name := range z.Names {
		if err := labelValue(fmt.Sprintf("spec.zones.names[%d]", i), name); err != nil {
			return err
		}
	}
	if z.DefaultZone != "" {
		if err := labelValue("spec.zones.defaultZone", z.DefaultZone); err != nil {
			return err
		}
	}
	for i, a := range z.Access {
		if err := labelValue(fmt.Sprintf("spec.zones.access[%d].zone", i), a.Zone); err != nil {
			return err
		}
	}
	for i, t := range s.Tiers.Tiers {
		if err := labelValue(fmt.Sprintf("spec.tiers.tiers[%d].name", i), t.Name); err != nil {
			return err
		}
	}
	if err := labelMap("spec.zones.isolation.dns.podLabels", z.Isolation.DNS.PodLabels); err != nil {
		return err
	}
	for field, ports := range map[string][]int32{"meshPorts": z.Isolation.MeshPorts, "meshSidecarPorts": z.Isolation.MeshSidecarPorts} {
		for i, p := range ports {
			if p < 1 || p > 65535 {
				return fmt.Errorf("spec.zones.isolation.%s[%d]: %d is not a port (1-65535)", field, i, p)
			}
		}
	}
	return nil
}
