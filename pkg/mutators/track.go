package mutators

import (
	"context"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Track labels meshed Deployments' pods with their track, stable or canary,
// which the DestinationRule's subsets select. A canary (pave.dev/canary-of)
// also takes its stable's app.kubernetes.io/name, so the stable's Service
// reaches its pods. It runs before the labels mutator, which would otherwise
// name the canary after itself.
type Track struct{}

// Name implements engine.Mutator.
func (Track) Name() string { return "canary-track" }

// Scope implements engine.Scoped: the object's labels and its pods'.
func (Track) Scope() []string { return []string{"metadata.labels", "pod.metadata.labels"} }

// Mutate implements engine.Mutator.
func (Track) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	if !env.Policy.Spec.Mesh.Mode.UsesIstio() || w.Kind != "Deployment" {
		return false, nil
	}
	of := w.Meta.Annotations[v1alpha1.AnnotationCanaryOf]
	if of == "" {
		return setMissing(&w.PodMeta.Labels, v1alpha1.LabelTrack, "stable"), nil
	}
	changed := setMissing(&w.PodMeta.Labels, v1alpha1.LabelTrack, "canary")
	changed = setMissing(&w.Meta.Labels, v1alpha1.LabelName, of) || changed
	changed = setMissing(&w.PodMeta.Labels, v1alpha1.LabelName, of) || changed
	return changed, nil
}
