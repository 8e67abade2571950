package controller

import (
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// companionInputsChanged lets through a workload's creation and deletion and
// the updates that can change what pave writes for it: its spec (a new
// generation), its labels or its annotations. No generator or canary step
// reads a workload's status, and status updates are most of a workload's
// updates (the controller-manager writes a Deployment's status as each of its
// Pods comes up); each one reconciled the workload again, generating every
// companion only to find it unchanged. Companions' own changes still reach
// their owner through the watches on their kinds.
func companionInputsChanged() predicate.Predicate {
	return predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}, predicate.AnnotationChangedPredicate{})
}
