package validators

import (
	"fmt"
	"maps"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// ruleScope judges the rules of a team's PrometheusRule in namespace ns:
// none records a series of pave's (monitoring.Reserved: its SLOs, its cost), labels
// its output as another namespace's, or rewrites the namespace label with
// label_replace or label_join.
func ruleScope(u *unstructured.Unstructured, ns string, env policy.Env) []policy.Violation {
	name := u.GetName()
	var out []policy.Violation
	deny := func(field, msg, fix string) {
		out = append(out, ruleMonitoringScope.Violation(field, fmt.Sprintf("PrometheusRule %q %s", name, msg), fix))
	}
	groups, _, _ := unstructured.NestedSlice(u.Object, "spec", "groups")
	for gi, g := range groups {
		rules, _, _ := unstructured.NestedSlice(asMap(g), "rules")
		for ri, r := range rules {
			rule := asMap(r)
			at := fmt.Sprintf("spec.groups[%d].rules[%d]", gi, ri)
			if record, _ := rule["record"].(string); monitoring.Reserved(record) && !pavesCost(rule, record, env) {
				what := "a series of pave's SLO rules: the burn-rate alerts of the workload it names would follow this rule"
				if !strings.HasPrefix(record, monitoring.SeriesPrefix) {
					what = fmt.Sprintf("a series only pave's rules record (%s is what the cost-by-team dashboard sums by its team label): what this rule records would count as the cost of whichever team it names, or take from its own", monitoring.CostSeries)
				}
				deny(at+".record", fmt.Sprintf("records %s, %s", record, what),
					fmt.Sprintf("record under a name of your own, not starting %s or %s", monitoring.SeriesPrefix, monitoring.RecordedPrefix))
			}
			if labelled, _, _ := unstructured.NestedString(rule, "labels", monitoring.NamespaceLabel); labelled != "" && labelled != ns {
				deny(at+".labels.namespace", fmt.Sprintf("labels what it records or alerts as namespace %q's: that namespace's alerts and routes would take it as their own", labelled),
					fmt.Sprintf("remove the label, or set it to %q", ns))
			}
			if fn := rewritesNamespace(fmt.Sprint(rule["expr"])); fn != "" {
				deny(at+".expr", fmt.Sprintf("rewrites the namespace label with %s: what it records or alerts could pass as another namespace's", fn),
					"write the value under a label of another name")
			}
		}
	}
	return out
}

// pavesCost reports whether rule is the rule of pave's own cost for the
// namespace, exactly (monitoring.CostRule): pave check --render prints it,
// and a copy records the same series with the same value, which changes no
// sum on the dashboard.
func pavesCost(rule map[string]any, record string, env policy.Env) bool {
	if record != monitoring.CostSeries || len(rule) != 3 {
		return false
	}
	expr, labels := monitoring.CostRule(env)
	got, _, _ := unstructured.NestedStringMap(rule, "labels")
	return rule["expr"] == expr && maps.Equal(got, labels)
}

// rewritesNamespace is the PromQL function of expr that writes the
// namespace label (label_replace, label_join), or "". An expression that
// does not parse is Prometheus' to refuse.
func rewritesNamespace(expr string) string {
	parsed, err := policy.ParseExpr(expr)
	if err != nil {
		return ""
	}
	found := ""
	parser.Inspect(parsed, func(node parser.Node, _ []parser.Node) error {
		call, ok := node.(*parser.Call)
		if !ok || found != "" || (call.Func.Name != "label_replace" && call.Func.Name != "label_join") || len(call.Args) < 2 {
			return nil
		}
		if dst, ok := call.Args[1].(*parser.StringLiteral); ok && dst.Val == monitoring.NamespaceLabel {
			found = call.Func.Name
		}
		return nil
	})
	return found
}

// asMap is v as a JSON object, or an empty one.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
