package policy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// validateZones checks the zone model: every zone it names is a known zone,
// each zone has one access entry, and every network parses.
func validateZones(s v1alpha1.PlatformPolicySpec) error {
	z := s.Zones
	known := func(name string) bool { return len(z.Names) == 0 || slices.Contains(z.Names, name) }
	if z.DefaultZone != "" && !known(z.DefaultZone) {
		return fmt.Errorf("spec.zones.defaultZone: %q is not one of spec.zones.names %v", z.DefaultZone, z.Names)
	}
	switch z.Isolation.Target {
	case v1alpha1.IsolationNetworkPolicy, v1alpha1.IsolationCilium, v1alpha1.IsolationClusterNetworkPolicy, v1alpha1.IsolationOff:
	default:
		return fmt.Errorf("spec.zones.isolation.target: %q is not a target; use NetworkPolicy, CiliumNetworkPolicy, ClusterNetworkPolicy or \"off\"", z.Isolation.Target)
	}
	for field, ns := range map[string]string{
		"ingressNamespace": z.Isolation.Ingress(), "monitoringNamespace": z.Isolation.Monitoring(),
		"meshNamespace": z.Isolation.MeshNamespace, "dns.namespace": z.Isolation.DNS.Namespace,
	} {
		if ns == "" {
			continue
		}
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return fmt.Errorf("spec.zones.isolation.%s: %q is not a namespace name: %s", field, ns, errs[0])
		}
	}
	// A misspelt required zone would leave the zone it meant unmeshed, its
	// workloads free to opt out.
	for i, name := range s.Mesh.RequiredZones {
		if !known(name) {
			return fmt.Errorf("spec.mesh.requiredZones[%d]: %q is not one of spec.zones.names %v", i, name, z.Names)
		}
	}
	seen := map[string]bool{}
	for i, a := range z.Access {
		at := fmt.Sprintf("spec.zones.access[%d]", i)
		if !known(a.Zone) {
			return fmt.Errorf("%s.zone: %q is not one of spec.zones.names %v", at, a.Zone, z.Names)
		}
		if seen[a.Zone] {
			return fmt.Errorf("%s.zone: %q has two entries; merge them", at, a.Zone)
		}
		seen[a.Zone] = true
		for j, from := range a.AllowFrom {
			if !known(from) {
				return fmt.Errorf("%s.allowFrom[%d]: %q is not one of spec.zones.names %v", at, j, from, z.Names)
			}
		}
		for j, e := range a.Egress {
			if err := validateEgress(e); err != nil {
				return fmt.Errorf("%s.egress[%d]: %w", at, j, err)
			}
		}
		for j, name := range a.ExternalNames {
			if err := validateExternalName(name); err != nil {
				return fmt.Errorf("%s.externalNames[%d]: %w", at, j, err)
			}
		}
	}
	return nil
}

// validateExternalName checks a host an ExternalName Service may name:
// a DNS name, or "*." and a domain.
func validateExternalName(name string) error {
	host := strings.TrimSuffix(strings.TrimPrefix(name, "*."), ".")
	if _, err := netip.ParseAddr(host); err == nil {
		return fmt.Errorf("%q is an address; an ExternalName Service names a host (reach addresses with egress)", name)
	}
	if errs := validation.IsDNS1123Subdomain(host); len(errs) > 0 || strings.Contains(host, "*") {
		return fmt.Errorf("%q is not a host name nor \"*.\" and a domain (write smtp.example.com or *.example.com)", name)
	}
	if !strings.Contains(host, ".") {
		return fmt.Errorf("%q is a short name, which resolves in the namespace of whoever looks it up; write the full name", name)
	}
	return nil
}

func validateEgress(e v1alpha1.ZoneEgress) error {
	cidr, err := netip.ParsePrefix(e.CIDR)
	if err != nil {
		return fmt.Errorf("cidr: %q is not a network (write it as 203.0.113.0/24)", e.CIDR)
	}
	if cidr != cidr.Masked() {
		return fmt.Errorf("cidr: %q has host bits set; write %s", e.CIDR, cidr.Masked())
	}
	for k, ex := range e.Except {
		p, err := netip.ParsePrefix(ex)
		if err != nil {
			return fmt.Errorf("except[%d]: %q is not a network", k, ex)
		}
		if p != p.Masked() || !cidr.Contains(p.Addr()) || p.Bits() < cidr.Bits() {
			return fmt.Errorf("except[%d]: %q must be a network inside %s", k, ex, e.CIDR)
		}
	}
	for k, port := range e.Ports {
		if port < 1 || port > 65535 {
			return fmt.Errorf("ports[%d]: %d is not a port (1-65535)", k, port)
		}
	}
	return nil
}

// overlayAccess keeps the built-in access entries meaningful when a policy
// renames its zones but says nothing of access: entries (and callers) for
// zones the policy no longer names are dropped rather than rejected. So are
// the built-in required zones it no longer names, when it names none.
func overlayAccess(spec *v1alpha1.PlatformPolicySpec, overlay v1alpha1.PlatformPolicySpec) {
	if len(overlay.Zones.Names) == 0 { // left out, or empty: any zone name is known
		return
	}
	if overlay.Mesh.RequiredZones == nil {
		spec.Mesh.RequiredZones = slices.DeleteFunc(slices.Clone(spec.Mesh.RequiredZones), func(z string) bool { return !slices.Contains(overlay.Zones.Names, z) })
	}
	if overlay.Zones.Access != nil {
		return
	}
	var kept []v1alpha1.ZoneAccess
	for _, a := range spec.Zones.Access {
		if !slices.Contains(overlay.Zones.Names, a.Zone) {
			continue
		}
		a.AllowFrom = slices.DeleteFunc(slices.Clone(a.AllowFrom), func(z string) bool { return !slices.Contains(overlay.Zones.Names, z) })
		kept = append(kept, a)
	}
	spec.Zones.Access = kept
}
