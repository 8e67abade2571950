package preflight

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// criticalExtra are namespaces that, where they exist, run what the cluster
// or pave needs to recover: the CNI, cert-manager.
var criticalExtra = []string{"cert-manager", "cilium", "calico-system", "tigera-operator", "kube-flannel"}

// criticalNamespaces are the namespaces no fail-closed webhook may match:
// the system namespaces, pave's own, the policy's mesh and DNS namespaces,
// and the CNI and cert-manager namespaces the cluster has.
func criticalNamespaces(p *policy.Policy, paveNamespace string) []string {
	out := slices.Concat(v1alpha1.SystemNamespaces(), []string{paveNamespace, p.Spec.Zones.Isolation.MeshNamespace, p.Spec.Zones.Isolation.DNS.Namespace}, criticalExtra)
	slices.Sort(out)
	return slices.Compact(slices.DeleteFunc(out, func(s string) bool { return s == "" }))
}

// hook is one webhook of either kind, as the lock-out check sees it.
type hook struct {
	config, name, kind string
	failurePolicy      admissionregistrationv1.FailurePolicyType
	timeout            int32
	selector           *metav1.LabelSelector
	// service is where the API server calls it; nil for a URL.
	service *admissionregistrationv1.ServiceReference
}

func hooks(c Cluster) []hook {
	var out []hook
	for _, m := range c.MutatingWebhooks {
		for _, w := range m.Webhooks {
			out = append(out, hook{m.Name, w.Name, "MutatingWebhookConfiguration", deref(w.FailurePolicy), derefInt(w.TimeoutSeconds), w.NamespaceSelector, w.ClientConfig.Service})
		}
	}
	for _, v := range c.ValidatingWebhooks {
		for _, w := range v.Webhooks {
			out = append(out, hook{v.Name, w.Name, "ValidatingWebhookConfiguration", deref(w.FailurePolicy), derefInt(w.TimeoutSeconds), w.NamespaceSelector, w.ClientConfig.Service})
		}
	}
	return out
}

// lockoutFindings: a webhook that fails closed and matches a namespace the
// cluster needs to heal itself turns an outage of its server into an
// outage of the cluster (nothing there can be created or changed, the
// webhook's own server included when it lives there). Such webhooks are
// reported for every vendor, pave's own included.
func lockoutFindings(p *policy.Policy, c Cluster) []Finding {
	var out []Finding
	critical := criticalNamespaces(p, c.PaveNamespace)
	for _, h := range hooks(c) {
		if h.failurePolicy == admissionregistrationv1.Ignore {
			continue
		}
		var matched []string
		for _, ns := range critical {
			nsLabels, ok := c.Namespaces[ns]
			if !ok {
				continue // not in this cluster
			}
			if matches(h.selector, ns, nsLabels) {
				matched = append(matched, ns)
			}
		}
		if len(matched) == 0 {
			continue
		}
		out = append(out, Finding{Check: "webhook-lockout", Severity: "high", Subject: fmt.Sprintf("%s %s, webhook %s", h.kind, h.config, h.name),
			Message: fmt.Sprintf("fails closed (failurePolicy Fail, timeout %ds) and matches %s: while its server is down, nothing there can be created or changed", h.timeout, strings.Join(matched, ", ")),
			Fix:     fmt.Sprintf("exclude them in its namespaceSelector (kubernetes.io/metadata.name NotIn [%s]), or set failurePolicy: Ignore", strings.Join(matched, ", "))})
	}
	return out
}

// webhookInfo lists pave's own webhooks with their failure policy and
// timeout, as info.
func webhookInfo(c Cluster, name string) []Finding {
	var out []Finding
	for _, h := range hooks(c) {
		if h.config != name {
			continue
		}
		out = append(out, Finding{Check: "pave-webhook", Severity: SeverityInfo, Subject: fmt.Sprintf("%s %s, webhook %s", h.kind, h.config, h.name),
			Message: fmt.Sprintf("failurePolicy %s, timeout %ds", h.failurePolicy, h.timeout), Fix: "none needed"})
	}
	return out
}

// matches evaluates a namespaceSelector as the API server does: nil or
// empty matches every namespace.
func matches(sel *metav1.LabelSelector, name string, nsLabels map[string]string) bool {
	if sel == nil {
		return true
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return true // an invalid selector is refused by the API server; assume the worst
	}
	l := labels.Set{}
	for k, v := range nsLabels {
		l[k] = v
	}
	l["kubernetes.io/metadata.name"] = name
	return s.Matches(l)
}

func deref(f *admissionregistrationv1.FailurePolicyType) admissionregistrationv1.FailurePolicyType {
	if f == nil {
		return admissionregistrationv1.Fail // the v1 default
	}
	return *f
}

func derefInt(t *int32) int32 {
	if t == nil {
		return 10 // the v1 default
	}
	return *t
}
