// Package operator generates the prometheus-operator objects of a service and
// its namespace: the PodMonitor or ServiceMonitor that scrapes it, its SLO
// burn-rate alerts and the namespace's cost rule (docs/observability.md). It
// is apart from package monitoring, whose mutator and validator the admission
// server runs, so that the admission server does not link the operator's API.
package operator

import (
	"context"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// podTargetLabels carry the application, team, zone and cost centre from
// each pod onto every series, for dashboards and cost per team.
var podTargetLabels = []string{v1alpha1.LabelName, v1alpha1.LabelVersion, v1alpha1.LabelTeam, v1alpha1.LabelZone, v1alpha1.LabelCostCenter}

// Scrape generates a PodMonitor (or, by the policy, a ServiceMonitor) for a
// workload that names a metrics port: its pods, on that port, at its path.
// Named pave-<workload>, owned by it.
type Scrape struct{}

// Name implements engine.Generator.
func (Scrape) Name() string { return "scrape" }

// Kinds implements engine.Generator.
func (Scrape) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{monitoring.PodMonitor, monitoring.ServiceMonitor}
}

// Generate implements engine.Generator.
func (Scrape) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	sel := workload.Selector(w)
	port, ok := monitoring.MetricsPort(w, env.Policy)
	if !workload.Served(w) || sel == nil || !ok {
		return nil, nil
	}
	app := w.Meta.Labels[v1alpha1.LabelName]
	meta := metav1.ObjectMeta{Name: v1alpha1.ObjectName("pave-", workload.CompanionName(w), ""), Namespace: env.NamespaceOf(w),
		Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, v1alpha1.LabelName: app}}
	switch monitoring.Target(env) {
	case v1alpha1.ScrapePodMonitor:
		endpoint := monitoringv1.PodMetricsEndpoint{Port: &port.Name, Path: monitoring.Path(w)}
		if mesh.MergesMetrics(w, env.Policy.Spec.Mesh.Mode) {
			// Istio's agent serves the application's metrics merged with
			// the proxy's (pave gives it the application's endpoint on each
			// Pod): the application's own port takes mutual TLS only where
			// the zone requires it, which a Prometheus outside the mesh
			// cannot speak.
			agent := int32(mesh.IstioStatusPort)
			endpoint = monitoringv1.PodMetricsEndpoint{PortNumber: &agent, Path: mesh.IstioMergedMetricsPath}
		}
		return []object{&monitoringv1.PodMonitor{
			TypeMeta:   metav1.TypeMeta{APIVersion: monitoring.PodMonitor.GroupVersion().String(), Kind: monitoring.PodMonitor.Kind},
			ObjectMeta: meta,
			Spec: monitoringv1.PodMonitorSpec{
				Selector:            *sel.DeepCopy(),
				PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{endpoint},
				PodTargetLabels:     podTargetLabels,
			},
		}}, nil
	case v1alpha1.ScrapeServiceMonitor:
		// The workload's Services carry its name label (pave render writes
		// it); targetPort finds the metrics port by the container port's
		// name, whatever the Service names its own ports.
		target := intstr.FromString(port.Name)
		return []object{&monitoringv1.ServiceMonitor{
			TypeMeta:   metav1.TypeMeta{APIVersion: monitoring.ServiceMonitor.GroupVersion().String(), Kind: monitoring.ServiceMonitor.Kind},
			ObjectMeta: meta,
			Spec: monitoringv1.ServiceMonitorSpec{
				Selector:        metav1.LabelSelector{MatchLabels: map[string]string{v1alpha1.LabelName: app}},
				Endpoints:       []monitoringv1.Endpoint{{TargetPort: &target, Path: monitoring.Path(w)}},
				PodTargetLabels: podTargetLabels,
			},
		}}, nil
	}
	return nil, nil
}
