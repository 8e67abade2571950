package operator

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var prometheusRule = monitoringv1.SchemeGroupVersion.WithKind(monitoringv1.PrometheusRuleKind)

// Series is the name of the recorded error ratio over a range: one series
// per namespace, service and SLI (availability or latency).
func Series(window time.Duration) string {
	return monitoring.SeriesPrefix + "sli_error:ratio_rate" + monitoring.PromDuration(window)
}

// SLORules generates a workload's PrometheusRule pave-<workload>-slo: for
// each SLI it states, the error ratio recorded over every window the
// burn-rate alerts read, and those alerts (BurnWindows). The SLIs are the
// policy's queries: Istio's metrics for a meshed workload, the
// application's own otherwise.
type SLORules struct{}

// Name implements engine.Generator.
func (SLORules) Name() string { return "slo-rules" }

// Kinds implements engine.Generator.
func (SLORules) Kinds() []schema.GroupVersionKind { return []schema.GroupVersionKind{prometheusRule} }

// Generate implements engine.Generator.
func (SLORules) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	o, problems := monitoring.ObjectiveOf(w, env.Policy)
	if o = o.Judged(problems); !workload.Served(w) || !o.Set() {
		return nil, nil // the slo-bounds rule reports the problems
	}
	ns, app := env.NamespaceOf(w), w.Meta.Labels[v1alpha1.LabelName]
	vars := policy.QueryVars{Namespace: ns, Name: app, Workload: w.Name()}.LatencyVars(o.Latency)
	q := monitoring.SLIQueries(w, env.Policy)
	// Each SLI is an error ratio: failed requests, or 1 - the share of
	// requests within the latency target.
	type sli struct {
		name, format, bad, all, what string
		budget                       float64
	}
	var slis []sli
	if o.Availability > 0 {
		slis = append(slis, sli{"availability", "(%s) / (%s)", q.Errors, q.Total, fmt.Sprintf("%g%% of requests succeed", o.Availability), monitoring.Budget(o.Availability)})
	}
	if o.Latency > 0 {
		slis = append(slis, sli{"latency", "1 - ((%s) / (%s))", q.Fast, q.Timed, fmt.Sprintf("p%g latency within %s", o.Percentile, o.Latency), monitoring.Budget(o.Percentile)})
	}
	var rules []monitoringv1.Rule
	for _, s := range slis {
		labels := map[string]string{"namespace": ns, "service": app, "slo": s.name}
		for _, win := range ruleWindows(o.Window) {
			v := vars
			v.Window = monitoring.PromDuration(win)
			expr, err := monitoring.Ratio(env.Policy, v, s.format, s.bad, s.all)
			if err != nil {
				return nil, err
			}
			rules = append(rules, monitoringv1.Rule{Record: Series(win), Expr: intstr.FromString(expr), Labels: labels})
		}
		for _, sev := range []string{"page", "ticket"} {
			rules = append(rules, alert(s.name, sev, s.what, s.budget, o, labels))
		}
	}
	pr := &monitoringv1.PrometheusRule{
		TypeMeta: metav1.TypeMeta{APIVersion: prometheusRule.GroupVersion().String(), Kind: prometheusRule.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.ObjectName("pave-", workload.CompanionName(w), "-slo"), Namespace: ns,
			Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, v1alpha1.LabelName: app}},
		Spec: monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{Name: "pave-slo-" + ns + "-" + workload.CompanionName(w), Rules: rules}}},
	}
	return []object{pr}, nil
}

// ruleWindows are the ranges the alerts of a window read, each once.
func ruleWindows(window time.Duration) []time.Duration {
	var out []time.Duration
	for _, b := range monitoring.BurnWindows(window) {
		out = append(out, b.Long, b.Short)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// alert is the burn-rate alert of one SLI and severity: any of its
// windows' conditions, or-ed.
func alert(sli, severity, what string, budget float64, o monitoring.Objective, labels map[string]string) monitoringv1.Rule {
	sel := fmt.Sprintf(`{namespace=%q,service=%q,slo=%q}`, labels["namespace"], labels["service"], sli)
	b := strconv.FormatFloat(budget, 'f', -1, 64)
	expr := ""
	var factors []string
	for _, bw := range monitoring.BurnWindows(o.Window) {
		if bw.Severity != severity {
			continue
		}
		f := strconv.FormatFloat(bw.Factor, 'f', -1, 64)
		factors = append(factors, f+"×")
		if expr != "" {
			expr += "\nor\n"
		}
		expr += fmt.Sprintf("(%s%s > (%s * %s) and %s%s > (%s * %s))", Series(bw.Long), sel, f, b, Series(bw.Short), sel, f, b)
	}
	name := "PaveSLOAvailabilityBudgetBurn"
	if sli == "latency" {
		name = "PaveSLOLatencyBudgetBurn"
	}
	al := map[string]string{"severity": severity}
	for k, v := range labels {
		al[k] = v
	}
	return monitoringv1.Rule{
		Alert:  name,
		Expr:   intstr.FromString(expr),
		Labels: al,
		Annotations: map[string]string{
			"summary": fmt.Sprintf("%s/%s is spending its %s error budget too fast", labels["namespace"], labels["service"], o.WindowText),
			"description": fmt.Sprintf("The objective is %s over %s. The error budget is being spent at %s or more of the rate the window allows: at this pace it is gone before the window ends.",
				what, o.WindowText, strings.Join(factors, " or ")),
		},
	}
}
