package monitoring

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

//go:embed dashboard.json.tmpl
var defaultDashboard string

// DashboardData is what a dashboard template sees: the SLI queries' fields
// and the panels' queries, each PromQL over a 5m range.
type DashboardData struct {
	policy.QueryVars
	UID, Title, Currency string
	Queries              Queries
}

// Queries are the PromQL of a service's dashboard panels.
type Queries struct {
	Rate, Errors, Duration, CPU, CPURequest, Memory, MemoryRequest, Cost string
}

// Dashboard generates the Grafana dashboard of a service (a workload with
// a container port): requests, errors,
// duration (RED), CPU and memory against requests, and cost — as a
// ConfigMap pave-<workload>-dashboard labelled for the Grafana sidecar.
// The policy may replace the template.
type Dashboard struct{}

// Name implements engine.Generator.
func (Dashboard) Name() string { return "dashboard" }

// Kinds implements engine.Generator.
func (Dashboard) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{corev1.SchemeGroupVersion.WithKind("ConfigMap")}
}

// Generate implements engine.Generator.
func (Dashboard) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	m := env.Policy.Spec.Monitoring
	if !workload.Served(w) || !m.Dashboards.On() || !servesRequests(w) {
		return nil, nil
	}
	ns, name := env.NamespaceOf(w), workload.CompanionName(w)
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.ObjectName("pave-", name, "-dashboard"), Namespace: ns, Labels: maps.Clone(m.Dashboards.Labels)},
	}
	if cm.Labels == nil {
		cm.Labels = map[string]string{}
	}
	cm.Labels[v1alpha1.LabelManagedBy] = v1alpha1.ManagedByPave
	cm.Labels[v1alpha1.LabelName] = w.Meta.Labels[v1alpha1.LabelName]
	if env.NamesOnly { // filling the queries and the template in was a third of pave check's engine time
		return []object{cm}, nil
	}
	data, err := dashboardData(w, env)
	if err != nil {
		return nil, err
	}
	tmpl := defaultDashboard
	if m.Dashboards.Template != "" {
		tmpl = m.Dashboards.Template
	}
	t, err := env.Policy.Template(tmpl)
	if err != nil {
		return nil, fmt.Errorf("dashboard template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("dashboard template: %w", err)
	}
	if !json.Valid(b.Bytes()) {
		return nil, fmt.Errorf("dashboard template: the result is not JSON; check spec.monitoring.dashboards.template")
	}
	cm.Data = map[string]string{DashboardKey(ns, name): b.String()}
	return []object{cm}, nil
}

// dashboardData fills the panels' queries in: the policy's SLI queries for
// the service's requests, cAdvisor and kube-state-metrics for its pods.
func dashboardData(w *workload.Workload, env policy.Env) (DashboardData, error) {
	ns, app, name := env.NamespaceOf(w), w.Meta.Labels[v1alpha1.LabelName], workload.CompanionName(w)
	v := policy.QueryVars{Namespace: ns, Name: app, Workload: w.Name(), Window: "5m"}
	q := SLIQueries(w, env.Policy)
	rate, err := env.Policy.Fill("total", q.Total, v)
	if err != nil {
		return DashboardData{}, err
	}
	errs, err := Ratio(env.Policy, v, "(%s) / (%s)", q.Errors, q.Total)
	if err != nil {
		return DashboardData{}, err
	}
	dur, err := env.Policy.Fill("duration", q.Duration, v)
	if err != nil {
		return DashboardData{}, err
	}
	pods := fmt.Sprintf(`namespace=%q,pod=~%q`, ns, podPattern(w))
	cost := env.Policy.Spec.Monitoring.Cost
	cpuReq, memReq := Requests(pods, "cpu"), Requests(pods, "memory")
	return DashboardData{
		QueryVars: v,
		UID:       DashboardUID(ns, name),
		Title:     DashboardTitle(ns, name),
		Currency:  cost.Currency,
		Queries: Queries{
			Rate: rate, Errors: errs, Duration: dur,
			CPU:           fmt.Sprintf(`sum(rate(container_cpu_usage_seconds_total{%s,container!=""}[5m]))`, pods),
			CPURequest:    cpuReq,
			Memory:        fmt.Sprintf(`sum(container_memory_working_set_bytes{%s,container!=""})`, pods),
			MemoryRequest: memReq,
			Cost:          CostExpr(cpuReq, memReq, cost),
		},
	}, nil
}

// servesRequests reports whether a container declares a port: a worker
// without one has no requests to chart.
func servesRequests(w *workload.Workload) bool {
	return slices.ContainsFunc(w.PodSpec.Containers, func(c corev1.Container) bool { return len(c.Ports) > 0 })
}

// podPattern matches the names of the workload's pods and no other's: the
// controllers' naming (Deployment: name-<template hash>-<5>, StatefulSet:
// name-<ordinal>, others: name-<5>).
func podPattern(w *workload.Workload) string {
	switch w.Kind {
	case "Deployment":
		return w.Name() + "-[a-z0-9]+-[a-z0-9]{5}"
	case "StatefulSet":
		return w.Name() + "-[0-9]+"
	}
	return w.Name() + "-[a-z0-9]{5}"
}

// Requests is the sum of one resource the pods matched by selector (a
// PromQL label matcher list) request, from kube-state-metrics. Each series
// counts for no less than zero: a team's own pod may expose a series of that
// name, and its namespace is then the team's; a negative one would take from
// what the team is charged. Requests are never negative.
func Requests(selector, resource string) string {
	return fmt.Sprintf(`sum(clamp_min(kube_pod_container_resource_requests{%s,resource=%q}, 0))`, selector, resource)
}

// CostExpr prices requests per hour: cores × the core-hour price plus GiB
// × the GiB-hour price (a side with no series counts as zero).
func CostExpr(cpuReq, memReq string, c v1alpha1.CostPolicy) string {
	return fmt.Sprintf("(%s or vector(0)) * %s + (%s or vector(0)) / 1073741824 * %s", cpuReq, c.CPUCoreHour, memReq, c.MemoryGiBHour)
}
