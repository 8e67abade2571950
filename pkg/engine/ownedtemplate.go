package engine

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// asItsPods is the workload as validation judges it. A ReplicaSet that a
// controller other than a Deployment owns (an Argo Rollout's) carries its
// owner's template, which pave never completes: the owner is not a kind pave
// governs, and the ReplicaSet's template must stay its owner's (see
// workload.TemplateOfItsOwner). Its Pods are completed when they are
// created, so it is judged as they will be: hardened and meshed, by a copy
// the mutators complete. Judged as written, every such ReplicaSet was denied
// for what pave itself adds to its Pods. A Deployment's ReplicaSet is
// judged as written: its template is the Deployment's, which pave completed.
func (e *Engine) asItsPods(ctx context.Context, w *workload.Workload, env policy.Env) (*workload.Workload, error) {
	if !workload.TemplateOfItsOwner(w) {
		return w, nil
	}
	if owner := metav1.GetControllerOfNoCopy(w.Meta); owner.Kind == "Deployment" && owner.APIVersion == appsv1.SchemeGroupVersion.String() {
		return w, nil
	}
	c := w.DeepCopy()
	if _, err := e.runSteps(ctx, c, env, nil); err != nil {
		return nil, err
	}
	return c, nil
}
