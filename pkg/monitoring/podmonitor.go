// Package monitoring has every service scraped without the team asking: a
// PodMonitor (prometheus-operator) per workload that exposes a metrics port.
// See docs/observability.md.
package monitoring

import (
	"context"
	"slices"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
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

// metricsPortNames are the container port names that say "scrape me", in
// the order they are looked for: the conventions of Prometheus exporters.
var metricsPortNames = []string{"metrics", "http-metrics"}

// pathAnnotation is the de-facto annotation for a metrics path other than
// /metrics (read, never written).
const pathAnnotation = "prometheus.io/path"

// Scrape generates a PodMonitor for a workload that names a metrics port:
// its pods, on that port, at /metrics (or the prometheus.io/path
// annotation's path). Named pave-<workload>, owned by it.
type Scrape struct{}

// Name implements engine.Generator.
func (Scrape) Name() string { return "scrape" }

// Kinds implements engine.Generator.
func (Scrape) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{monitoringv1.SchemeGroupVersion.WithKind("PodMonitor")}
}

// Generate implements engine.Generator.
func (Scrape) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	sel := workload.Selector(w)
	port := metricsPort(w.PodSpec)
	if !workload.Served(w) || sel == nil || port == "" {
		return nil, nil
	}
	ns := env.NamespaceOf(w)
	path := "/metrics"
	if p := w.PodMeta.Annotations[pathAnnotation]; p != "" {
		path = p
	}
	pm := &monitoringv1.PodMonitor{
		TypeMeta: metav1.TypeMeta{APIVersion: monitoringv1.SchemeGroupVersion.String(), Kind: "PodMonitor"},
		ObjectMeta: metav1.ObjectMeta{Name: "pave-" + w.Name(), Namespace: ns,
			Labels: map[string]string{v1alpha1.LabelManagedBy: "pave", v1alpha1.LabelName: w.Meta.Labels[v1alpha1.LabelName]}},
		Spec: monitoringv1.PodMonitorSpec{
			Selector:            *sel.DeepCopy(),
			PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{Port: &port, Path: path}},
			// The team, zone and cost centre travel with every series, for
			// dashboards and cost per team.
			PodTargetLabels: []string{v1alpha1.LabelName, v1alpha1.LabelTeam, v1alpha1.LabelZone, v1alpha1.LabelCostCenter},
		},
	}
	return []object{pm}, nil
}

// metricsPort is the name of the first container port named for metrics.
func metricsPort(spec *corev1.PodSpec) string {
	containers := slices.Concat(spec.InitContainers, spec.Containers)
	for _, name := range metricsPortNames {
		for _, c := range containers {
			for _, p := range c.Ports {
				if p.Name == name {
					return name
				}
			}
		}
	}
	return ""
}
