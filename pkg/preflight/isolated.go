package preflight

import (
	"fmt"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/zones"
)

// isolatedFindings: in the NetworkPolicy and Cilium targets pave closes the
// pods of every namespace it governs to what their zone does not admit,
// and the API server is no zone's member. A webhook whose server runs in
// such a namespace stops answering once pave writes its policies there:
// failing closed, it refuses everything it matches; failing open, it
// silently judges nothing. An aggregated API served from one becomes
// unavailable. (The ClusterNetworkPolicy target denies only other pods,
// not the API server.)
func isolatedFindings(p *policy.Policy, c Cluster) []Finding {
	if t := zones.Target(p); t != v1alpha1.IsolationNetworkPolicy && t != v1alpha1.IsolationCilium {
		return nil
	}
	var out []Finding
	for _, a := range c.APIServices {
		if zone, isolated := isolatedZone(p, c, a.Namespace); isolated {
			out = append(out, Finding{Check: "apiservice-isolated", Severity: "high", Subject: "APIService " + a.Name,
				Message: fmt.Sprintf("its server, Service %s/%s, runs in namespace %s, which pave isolates as zone %q: pave's NetworkPolicies there admit no traffic from the API server, so once they are written the API is unavailable: discovery fails, namespaces can no longer be deleted (their content cannot be listed), and what reads the API (an HPA on its metrics) stops", a.Namespace, a.Service, a.Namespace, zone),
				Fix:     excludeFix(a.Namespace)})
		}
	}
	for _, h := range hooks(c) {
		if h.service == nil {
			continue // a URL: outside the pod network, or the platform's to know
		}
		ns := h.service.Namespace
		zone, isolated := isolatedZone(p, c, ns)
		if !isolated {
			continue
		}
		severity, then := "high", "failing closed, it refuses everything it matches"
		if h.failurePolicy == admissionregistrationv1.Ignore {
			severity, then = "medium", "failing open, it silently judges nothing"
		}
		out = append(out, Finding{Check: "webhook-isolated", Severity: severity, Subject: fmt.Sprintf("%s %s, webhook %s", h.kind, h.config, h.name),
			Message: fmt.Sprintf("its server, Service %s/%s, runs in namespace %s, which pave isolates as zone %q: pave's NetworkPolicies there admit no traffic from the API server, so every call to it fails once they are written; %s", ns, h.service.Name, ns, zone, then),
			Fix:     excludeFix(ns)})
	}
	return out
}

// isolatedZone is the zone pave's policies would close namespace ns as,
// if they would: it exists, pave governs it, the zones do not leave it
// alone, and it has a zone.
func isolatedZone(p *policy.Policy, c Cluster, ns string) (string, bool) {
	if _, ok := c.Namespaces[ns]; !ok || slices.Contains(c.Ungoverned(), ns) || policy.Infrastructure(p.Spec.Zones.Isolation, ns) {
		return "", false
	}
	zone := policy.DecideZone(envIn(p, c, ns)).Zone
	return zone, zone != ""
}

// excludeFix is the fix of a server the zones would cut off.
func excludeFix(ns string) string {
	return fmt.Sprintf("exclude %s from pave (the chart's webhooks.excludeNamespaces; or both roles' --exclude-namespaces and the webhook configurations' namespaceSelector): pave then writes nothing there", ns)
}
