package monitoring

import (
	"context"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Annotations writes the de-facto scrape annotations (prometheus.io/scrape,
// port and path) on the pod template of a workload with a metrics port,
// where the policy asks for them or the cluster serves no prometheus-operator
// (Target). Prometheus' own Kubernetes discovery, as most charts configure
// it, reads them. Annotations already there are the team's and stay.
type Annotations struct{}

// Name implements engine.Mutator.
func (Annotations) Name() string { return "scrape-annotations" }

// Scope implements engine.Scoped: the pods' annotations.
func (Annotations) Scope() []string { return []string{"pod.metadata.annotations"} }

// Consults implements engine.Consulter: annotations stand in for the
// operator kinds the cluster does not serve.
func (Annotations) Consults() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{PodMonitor, ServiceMonitor}
}

// Mutate implements engine.Mutator.
func (Annotations) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	port, ok := MetricsPort(w, env.Policy)
	if !ok || Target(env) != v1alpha1.ScrapeAnnotations {
		return false, nil
	}
	changed := false
	for k, v := range map[string]string{
		v1alpha1.AnnotationScrape:     "true",
		v1alpha1.AnnotationScrapePort: strconv.Itoa(int(port.ContainerPort)),
		v1alpha1.AnnotationScrapePath: Path(w),
	} {
		if _, ok := w.PodMeta.Annotations[k]; ok {
			continue
		}
		if w.PodMeta.Annotations == nil {
			w.PodMeta.Annotations = map[string]string{}
		}
		w.PodMeta.Annotations[k] = v
		changed = true
	}
	return changed, nil
}
