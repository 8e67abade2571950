// Package monitoring has every service observed without the team asking: its
// metrics port scraped (a PodMonitor or ServiceMonitor, else scrape
// annotations), its SLOs alerted on by burn rate, a dashboard per service
// and a cost view per team. See docs/observability.md.
package monitoring

import (
	"context"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

var (
	podMonitor     = monitoringv1.SchemeGroupVersion.WithKind(monitoringv1.PodMonitorsKind)
	serviceMonitor = monitoringv1.SchemeGroupVersion.WithKind(monitoringv1.ServiceMonitorsKind)
)

// podTargetLabels carry the application, team, zone and cost centre from
// each pod onto every series, for dashboards and cost per team.
var podTargetLabels = []string{v1alpha1.LabelName, v1alpha1.LabelVersion, v1alpha1.LabelTeam, v1alpha1.LabelZone, v1alpha1.LabelCostCenter}

// Target is how the workloads of env are scraped: the policy's choice, but
// annotations where it names an operator kind the cluster does not serve.
func Target(env policy.Env) string {
	t := env.Policy.Spec.Monitoring.Scrape
	if (t == v1alpha1.ScrapePodMonitor && !env.Serves(podMonitor)) || (t == v1alpha1.ScrapeServiceMonitor && !env.Serves(serviceMonitor)) {
		return v1alpha1.ScrapeAnnotations
	}
	return t
}

// Scrape generates a PodMonitor (or, by the policy, a ServiceMonitor) for a
// workload that names a metrics port: its pods, on that port, at its path.
// Named pave-<workload>, owned by it.
type Scrape struct{}

// Name implements engine.Generator.
func (Scrape) Name() string { return "scrape" }

// Kinds implements engine.Generator.
func (Scrape) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{podMonitor, serviceMonitor}
}

// Generate implements engine.Generator.
func (Scrape) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	sel := workload.Selector(w)
	port, ok := MetricsPort(w, env.Policy)
	if !workload.Served(w) || sel == nil || !ok {
		return nil, nil
	}
	app := w.Meta.Labels[v1alpha1.LabelName]
	meta := metav1.ObjectMeta{Name: "pave-" + w.Name(), Namespace: env.NamespaceOf(w),
		Labels: map[string]string{v1alpha1.LabelManagedBy: "pave", v1alpha1.LabelName: app}}
	switch Target(env) {
	case v1alpha1.ScrapePodMonitor:
		return []object{&monitoringv1.PodMonitor{
			TypeMeta:   metav1.TypeMeta{APIVersion: podMonitor.GroupVersion().String(), Kind: podMonitor.Kind},
			ObjectMeta: meta,
			Spec: monitoringv1.PodMonitorSpec{
				Selector:            *sel.DeepCopy(),
				PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{Port: &port.Name, Path: Path(w)}},
				PodTargetLabels:     podTargetLabels,
			},
		}}, nil
	case v1alpha1.ScrapeServiceMonitor:
		// The workload's Services carry its name label (pave render writes
		// it); targetPort finds the metrics port by the container port's
		// name, whatever the Service names its own ports.
		target := intstr.FromString(port.Name)
		return []object{&monitoringv1.ServiceMonitor{
			TypeMeta:   metav1.TypeMeta{APIVersion: serviceMonitor.GroupVersion().String(), Kind: serviceMonitor.Kind},
			ObjectMeta: meta,
			Spec: monitoringv1.ServiceMonitorSpec{
				Selector:        metav1.LabelSelector{MatchLabels: map[string]string{v1alpha1.LabelName: app}},
				Endpoints:       []monitoringv1.Endpoint{{TargetPort: &target, Path: Path(w)}},
				PodTargetLabels: podTargetLabels,
			},
		}}, nil
	}
	return nil, nil
}
