package validators

import (
	"context"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// PodFinalizers keeps finalizers off pods that nothing in the cluster
// removes. A node drain waits until each pod it evicted is gone (kubectl
// drain polls for it, with no timeout unless told one), and a pod that
// carries a finalizer stays, Terminating, until someone takes the finalizer
// off: one that no controller knows holds its node's drain, and the
// cluster's upgrades, for good. The built-in edit role writes a Pod's
// finalizers, and the workload controllers copy a template's finalizers
// into every pod they make. The finalizers Kubernetes' own controllers
// remove pass: the garbage collector's (orphan, foregroundDeletion) and the
// Job controller's.
type PodFinalizers struct{}

var rulePodFinalizers = policy.Rule{ID: "pod-finalizers", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "pods carry no finalizer but those Kubernetes' own controllers remove: a drain waits for each evicted pod to be gone, and a finalizer nothing removes keeps it forever"}

// removedByKubernetes reports whether Kubernetes' controllers take the
// finalizer off a pod: the garbage collector's two, and the Job
// controller's, which it adds to its pods itself (and takes off orphans).
func removedByKubernetes(finalizer string) bool {
	switch finalizer {
	case metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents, batchv1.JobTrackingFinalizer:
		return true
	}
	return false
}

// Name implements engine.Validator.
func (PodFinalizers) Name() string { return "pod-finalizers" }

// Rules implements engine.Validator.
func (PodFinalizers) Rules() []policy.Rule { return []policy.Rule{rulePodFinalizers} }

// Validate implements engine.Validator. The finding names no finalizer and
// measures how many there are, so a pod or template that had them before
// pave keeps its updates while they add none, taking them off among them.
func (PodFinalizers) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var foreign []string
	for _, f := range w.PodMeta.Finalizers {
		if !removedByKubernetes(f) {
			foreign = append(foreign, f)
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	whose := "its pods carry"
	if w.Kind == "Pod" {
		whose = "the pod carries"
	}
	v := rulePodFinalizers.Violation(w.PodMetaPath+".finalizers",
		fmt.Sprintf("%s a finalizer that no controller of Kubernetes removes: a node drain waits until each pod it evicts is gone, and such a pod stays Terminating until someone takes the finalizer off, holding the drain and the cluster's upgrades", whose),
		fmt.Sprintf("remove %s from %s.finalizers; a controller of the team's own that needs a finalizer on its pods asks the platform team for a PolicyException", strings.Join(foreign, ", "), w.PodMetaPath))
	v.Measure = len(foreign)
	return []policy.Violation{v}
}
