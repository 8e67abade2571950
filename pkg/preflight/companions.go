package preflight

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// SeverityInfo marks a finding that needs no fix: what pave does without an
// optional API. It does not change the exit code.
const SeverityInfo = "info"

// withoutAPI says what pave does when the cluster lacks a companion API, by
// group; a group not listed gets the plain statement.
var withoutAPI = map[string]string{
	"monitoring.coreos.com":        "no prometheus-operator: workloads are scraped by prometheus.io annotations on their pods instead, and SLO alerts, recording rules and cost rules are not written",
	"networking.istio.io":          "no Istio: the mesh's traffic policy (timeouts, retries, canary routing) is not written",
	"security.istio.io":            "no Istio: mTLS is not required per namespace",
	"cilium.io":                    "no Cilium: the CiliumNetworkPolicy zone target and the cilium mesh mode cannot be used",
	"policy.networking.k8s.io":     "no network-policy-api: the ClusterNetworkPolicy zone target cannot be used",
	"velero.io":                    "no Velero: namespaces are not backed up",
	"external-secrets.io":          "no External Secrets Operator: Secrets are not delivered from the policy's store",
	"admissionregistration.k8s.io": "no ValidatingAdmissionPolicy: the namespace label guard is not in force",
}

// companionFindings lists each companion kind the cluster does not serve,
// with what pave does without it.
func companionFindings(unserved []schema.GroupVersionKind) []Finding {
	var out []Finding
	for _, gvk := range unserved {
		msg, ok := withoutAPI[gvk.Group]
		if !ok {
			msg = "pave will not write it"
		}
		out = append(out, Finding{Check: "companion-api", Severity: SeverityInfo, Subject: fmt.Sprintf("%s (%s)", gvk.Kind, gvk.GroupVersion()),
			Message: "the cluster does not serve it; " + msg,
			Fix:     "install the component if you want this; restart pave afterwards (it asks which APIs are served when it starts)"})
	}
	return out
}

// scrapeFinding says how workloads will be scraped when the policy names an
// operator kind the cluster does not serve: the fallback, stated.
func scrapeFinding(p *policy.Policy, unserved []schema.GroupVersionKind) []Finding {
	t := p.Spec.Monitoring.Scrape
	if t != v1alpha1.ScrapePodMonitor && t != v1alpha1.ScrapeServiceMonitor {
		return nil
	}
	for _, gvk := range unserved {
		if gvk.Group == "monitoring.coreos.com" && gvk.Kind == t {
			return []Finding{{Check: "scrape-fallback", Severity: SeverityInfo, Subject: "PlatformPolicy spec.monitoring.scrape",
				Message: fmt.Sprintf("the policy scrapes by %s, which the cluster does not serve: pave writes prometheus.io/scrape, port and path on pod templates instead", t),
				Fix:     "configure Prometheus to discover pods by those annotations, or install the prometheus-operator"}}
		}
	}
	return nil
}
