package validators

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// BarePod warns of a Pod that no controller makes. Nothing makes it again
// when its node goes, and `kubectl drain` refuses to evict it unless told
// --force, which then deletes it for good: so the cluster's upgrades either
// stop at its node or lose it. kubectl drain asks the same question
// (metav1.GetControllerOf); a static pod's mirror, which the kubelet keeps,
// is left alone, as drain leaves it. Kyverno's best practices
// (prevent-bare-pods) and Datree's (prevent naked pods) ask it too. A
// warning: a Pod made by hand to debug is the team's call.
type BarePod struct{}

var ruleBarePod = policy.Rule{ID: "bare-pod", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a Pod is made by a controller (a Deployment, StatefulSet, Job...): a bare Pod is lost with its node, and kubectl drain refuses to evict it without --force, which deletes it for good"}

// Name implements engine.Validator.
func (BarePod) Name() string { return "bare-pod" }

// Rules implements engine.Validator.
func (BarePod) Rules() []policy.Rule { return []policy.Rule{ruleBarePod} }

// Validate implements engine.Validator.
func (BarePod) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	if w.Kind != "Pod" || metav1.GetControllerOf(w.Meta) != nil {
		return nil
	}
	if _, mirror := w.Meta.Annotations[corev1.MirrorPodAnnotationKey]; mirror {
		return nil
	}
	return []policy.Violation{ruleBarePod.Violation("metadata.ownerReferences",
		fmt.Sprintf("Pod %q has no controller: nothing makes it again when its node fails, and `kubectl drain` refuses to evict it without --force, which deletes it for good, so a node upgrade either waits on it or loses it", w.Name()),
		"run it from a controller: a Deployment for a service, a Job for a task that ends (a CronJob for one that repeats); a Pod made by hand to debug is deleted when done (kubectl run --rm)")}
}
