package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// stableOf maps a canary Deployment to a request for its stable, so a change
// to the canary (or its deletion) re-routes the stable's traffic.
func stableOf(_ context.Context, obj client.Object) []reconcile.Request {
	of := obj.GetAnnotations()[v1alpha1.AnnotationCanaryOf]
	if of == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: of}}}
}

// progressCanary records where a canary stands, advances it through its
// steps, and says when to look again. The status annotation and an event tell
// the team; the weights reach the VirtualService through the stable.
func (c *Companions) progressCanary(ctx context.Context, obj client.Object, w *workload.Workload) (reconcile.Result, error) {
	canary, _, problems := mesh.CanaryOf(w)
	if len(problems) > 0 {
		c.Recorder.Eventf(obj, corev1.EventTypeWarning, "CanaryInvalid", "%s: %s", problems[0].Annotation, problems[0].Message)
		return reconcile.Result{}, nil
	}
	status, after := mesh.NextStatus(w, canary, c.now())
	js, err := json.Marshal(status)
	if err != nil {
		return reconcile.Result{}, err
	}
	if w.Meta.Annotations[v1alpha1.AnnotationCanaryStatus] != string(js) {
		patch := map[string]any{"metadata": map[string]any{"annotations": map[string]string{v1alpha1.AnnotationCanaryStatus: string(js)}}}
		raw, _ := json.Marshal(patch)
		if err := c.Client.Patch(ctx, obj, client.RawPatch(types.MergePatchType, raw)); err != nil {
			return reconcile.Result{}, fmt.Errorf("record canary status: %w", err)
		}
		c.Recorder.Eventf(obj, corev1.EventTypeNormal, "CanaryProgress", "%s", status.Message)
	}
	return reconcile.Result{RequeueAfter: after}, nil
}

func (c *Companions) now() time.Time {
	if c.Clock != nil {
		return c.Clock()
	}
	return time.Now()
}

// canaryOf puts into env the canary of a stable Deployment, and tells the
// team of the canaries it ignores.
func (c *Companions) canaryOf(ctx context.Context, obj client.Object, env *policy.Env) error {
	if c.Kind != "Deployment" {
		return nil
	}
	canary, ignored, err := c.Env.Canary(ctx, obj.GetNamespace(), obj.GetName())
	if err != nil {
		return err
	}
	env.Canary = canary
	for _, name := range ignored {
		c.Recorder.Eventf(obj, corev1.EventTypeWarning, "CanaryIgnored", "%s is also a canary of %s; only %s is routed", name, obj.GetName(), canary.Name())
	}
	return nil
}
