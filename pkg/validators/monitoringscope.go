package validators

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	paveobject "github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// MonitoringScope keeps a team's own prometheus-operator objects from
// writing series as another namespace's. Prometheus labels every target
// with the namespace of the pod it scrapes, and everything pave builds on
// the shared Prometheus (the SLO rules, their alerts, the dashboards) and
// every team's alert routing trusts that label. A team that may write
// PodMonitors or ServiceMonitors could otherwise scrape other namespaces,
// keep the labels its own pods write (honorLabels), or relabel a series
// into another namespace, and with a PrometheusRule record pave's SLO
// series or label its own as another namespace's: another team's SLO
// alerts would then fire, or stay silent, on the team's say.
// prometheus-operator's enforcedNamespaceLabel does part of this for a
// Prometheus that sets it; pave cannot assume one does. The monitoring
// stack's namespace and the mesh's (spec.zones.isolation) are the
// platform team's and are not judged.
type MonitoringScope struct{}

var ruleMonitoringScope = policy.Rule{ID: "monitoring-scope", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "a team's PodMonitor or ServiceMonitor scrapes its own namespace and keeps the namespace label Prometheus sets; its PrometheusRule records no series of pave's SLOs and labels none as another namespace's"}

// Name implements engine.ObjectValidator.
func (MonitoringScope) Name() string { return "monitoring-scope" }

// Kinds implements engine.ObjectValidator.
func (MonitoringScope) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: paveobject.Monitoring, Version: "v1", Kind: "PodMonitor"},
		{Group: paveobject.Monitoring, Version: "v1", Kind: "ServiceMonitor"},
		{Group: paveobject.Monitoring, Version: "v1", Kind: "PrometheusRule"},
		{Group: paveobject.Monitoring, Version: "v1", Kind: "Probe"},
		{Group: paveobject.Monitoring, Version: "v1alpha1", Kind: "ScrapeConfig"},
	}
}

// Rules implements engine.ObjectValidator.
func (MonitoringScope) Rules() []policy.Rule { return []policy.Rule{ruleMonitoringScope} }

// ValidateObject implements engine.ObjectValidator.
func (MonitoringScope) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil
	}
	ns := cmp.Or(u.GetNamespace(), env.Namespace.Name)
	if slices.Contains(policy.MonitoringPlatform(env.Policy.Spec.Zones.Isolation), ns) {
		return nil
	}
	switch u.GetKind() {
	case "PodMonitor":
		return scrapeScope(u, ns, "podMetricsEndpoints")
	case "ServiceMonitor":
		return scrapeScope(u, ns, "endpoints")
	case "PrometheusRule":
		return ruleScope(u, ns, env)
	case "Probe":
		return probeScope(u, ns)
	case "ScrapeConfig":
		return []policy.Violation{ruleMonitoringScope.Violation("spec",
			fmt.Sprintf("ScrapeConfig %q is raw Prometheus scrape configuration: its targets and their labels come from wherever it discovers them (another namespace's pods, a service of the team's that answers HTTP discovery), namespace among them", u.GetName()),
			"scrape the team's pods with a PodMonitor or ServiceMonitor, and its endpoints with a Probe; a ScrapeConfig the platform team vets needs a PolicyException for monitoring-scope")}
	}
	return nil
}

// scrapeScope judges a PodMonitor or ServiceMonitor of namespace ns whose
// endpoints are under spec.<endpoints>.
func scrapeScope(u *unstructured.Unstructured, ns, endpoints string) []policy.Violation {
	kind, name := u.GetKind(), u.GetName()
	var out []policy.Violation
	deny := func(field, msg, fix string) {
		out = append(out, ruleMonitoringScope.Violation(field, fmt.Sprintf("%s %q %s", kind, name, msg), fix))
	}
	own := fmt.Sprintf("remove spec.namespaceSelector, or name only %q: a %s scrapes its own namespace, and each namespace's team writes its own", ns, kind)
	if anyNS, _, _ := unstructured.NestedBool(u.Object, "spec", "namespaceSelector", "any"); anyNS {
		deny("spec.namespaceSelector.any", "scrapes the pods of every namespace, under this team's labels and relabelings", own)
	}
	names, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "namespaceSelector", "matchNames")
	for i, n := range names {
		if n != ns {
			deny(fmt.Sprintf("spec.namespaceSelector.matchNames[%d]", i), fmt.Sprintf("scrapes namespace %q, another team's, under this team's labels and relabelings", n), own)
		}
	}
	for _, f := range []string{"podTargetLabels", "targetLabels"} {
		copied, _, _ := unstructured.NestedStringSlice(u.Object, "spec", f)
		for i, l := range copied {
			if l == monitoring.NamespaceLabel {
				deny(fmt.Sprintf("spec.%s[%d]", f, i), "copies a label of its pods or Service named namespace onto their series, over the namespace Prometheus sets",
					"copy the label under another name (relabel it), or leave it out")
			}
		}
	}
	eps, _, _ := unstructured.NestedSlice(u.Object, "spec", endpoints)
	for i, e := range eps {
		ep := asMap(e)
		at := fmt.Sprintf("spec.%s[%d]", endpoints, i)
		if honor, _ := ep["honorLabels"].(bool); honor {
			deny(at+".honorLabels", "keeps the labels its pods write on their series over Prometheus' own: a pod could label its series namespace=\"<another namespace>\"",
				"remove honorLabels (Prometheus keeps a pod's own label as exported_<label>); a Pushgateway that must keep its jobs' labels needs a PolicyException for monitoring-scope")
		}
		for _, list := range []string{"relabelings", "metricRelabelings"} {
			out = append(out, relabelScope(kind, name, at+"."+list, ep[list])...)
		}
	}
	return out
}

// probeScope judges a Probe of namespace ns: its Ingress targets are its
// own namespace's, its static targets carry no other namespace's label,
// and no relabeling writes namespace.
func probeScope(u *unstructured.Unstructured, ns string) []policy.Violation {
	name := u.GetName()
	var out []policy.Violation
	if anyNS, _, _ := unstructured.NestedBool(u.Object, "spec", "targets", "ingress", "namespaceSelector", "any"); anyNS {
		out = append(out, ruleMonitoringScope.Violation("spec.targets.ingress.namespaceSelector.any",
			fmt.Sprintf("Probe %q probes the Ingresses of every namespace, whose series carry their namespaces under this team's relabelings", name),
			fmt.Sprintf("remove spec.targets.ingress.namespaceSelector, or name only %q", ns)))
	}
	names, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "targets", "ingress", "namespaceSelector", "matchNames")
	for i, n := range names {
		if n != ns {
			out = append(out, ruleMonitoringScope.Violation(fmt.Sprintf("spec.targets.ingress.namespaceSelector.matchNames[%d]", i),
				fmt.Sprintf("Probe %q probes the Ingresses of namespace %q, another team's", name, n), fmt.Sprintf("name only %q", ns)))
		}
	}
	if labelled, _, _ := unstructured.NestedString(u.Object, "spec", "targets", "staticConfig", "labels", monitoring.NamespaceLabel); labelled != "" && labelled != ns {
		out = append(out, ruleMonitoringScope.Violation("spec.targets.staticConfig.labels.namespace",
			fmt.Sprintf("Probe %q labels its series as namespace %q's", name, labelled), fmt.Sprintf("remove the label, or set it to %q", ns)))
	}
	for _, at := range [][]string{{"spec", "targets", "staticConfig", "relabelingConfigs"}, {"spec", "targets", "ingress", "relabelingConfigs"}, {"spec", "metricRelabelings"}} {
		list, _, _ := unstructured.NestedFieldNoCopy(u.Object, at...)
		out = append(out, relabelScope("Probe", name, strings.Join(at, "."), list)...)
	}
	return out
}

// relabelScope judges the relabelings list at field of kind name.
func relabelScope(kind, name, field string, list any) []policy.Violation {
	rs, _ := list.([]any)
	var out []policy.Violation
	for j, r := range rs {
		if why := relabelsNamespace(asMap(r)); why != "" {
			out = append(out, ruleMonitoringScope.Violation(fmt.Sprintf("%s[%d]", field, j),
				fmt.Sprintf("%s %q %s: its series could be recorded as another namespace's", kind, name, why),
				"write each label you keep with a replace action and a fixed targetLabel other than namespace"))
		}
	}
	return out
}

// relabelsNamespace says how a relabeling could set the namespace label
// ("" when it cannot): a targetLabel of namespace, one expanded from the
// matched values ($1), or a labelmap, whose label names come from the
// names of labels the team writes (its pods' labels, its series' labels).
func relabelsNamespace(rc map[string]any) string {
	action, _ := rc["action"].(string)
	target, _ := rc["targetLabel"].(string)
	replacement, hasReplacement := rc["replacement"].(string)
	switch strings.ToLower(action) {
	case "labelmap":
		if hasReplacement && !strings.Contains(replacement, "$") && replacement != monitoring.NamespaceLabel {
			return "" // every label it maps gets one fixed name
		}
		return "maps label names it matches to new names, and a label of its pods or series can be named to end as namespace"
	case "labeldrop", "labelkeep", "keep", "drop", "keepequal", "dropequal":
		return ""
	}
	switch {
	case target == monitoring.NamespaceLabel:
		return "sets the namespace label Prometheus gives the target"
	case strings.Contains(target, "$"):
		return fmt.Sprintf("names its target label from the values it matches (%q), which its pods write", target)
	}
	return ""
}
