package controller

import (
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// companionInputsChanged lets through a workload's creation and deletion and
// the updates that can change what pave writes for it: its spec (a new
// generation), its labels or its annotations. No generator or canary step
// reads a workload's status, and status updates are most of a workload's
// updates (the controller-manager writes a Deployment's status as each of its
// Pods comes up); each one reconciled the workload again, generating every
// companion only to find it unchanged. Nor does pave read the annotations
// the controller-manager keeps on a Deployment (deployment.kubernetes.io/,
// its revision, written once more after every creation and rollout).
// Companions' own changes still reach their owner through the watches on
// their kinds.
func companionInputsChanged() predicate.Predicate {
	return predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}, ownAnnotationsChanged())
}

// controllerManagerAnnotations is the prefix of the annotations the
// controller-manager keeps on Deployments and ReplicaSets.
const controllerManagerAnnotations = "deployment.kubernetes.io/"

// ownAnnotationsChanged lets through an update that changes an annotation
// other than the controller-manager's.
func ownAnnotationsChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if e.ObjectOld == nil || e.ObjectNew == nil {
			return false
		}
		before, after := e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()
		return differOutside(before, after) || differOutside(after, before)
	}}
}

// differOutside reports whether a has an annotation, not the
// controller-manager's, that b lacks or holds otherwise.
func differOutside(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; (!ok || w != v) && !strings.HasPrefix(k, controllerManagerAnnotations) {
			return true
		}
	}
	return false
}

// notOwnWrite lets through a companion's events but those of pave's own
// writes: a companion at the resourceVersion pave's last apply of it left
// (Applied), which its owner's reconcile would find unchanged. Every apply
// that created or changed a companion came back as such an event and
// reconciled the owner again. Deletions, and every change by anyone else (an
// edit, an operator's status), pass; so does an event that arrives before pave
// has recorded its apply. An operator's status is how pave hears that a
// companion stopped being ready (reportNotReady): the cache holds no status
// to tell that write from one that changes nothing (decisions.md, stop 92).
func notOwnWrite(a *Applied) predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(e event.CreateEvent) bool { return !a.wrote(e.Object) },
		UpdateFunc: func(e event.UpdateEvent) bool { return !a.wrote(e.ObjectNew) },
	}
}

// governedOrFirstListed lets through every event of a workload in a
// namespace pave governs, and of one in a namespace it never governs (skip:
// the control plane's, pave's own, --exclude-namespaces) only its creation
// as the informer first lists it. pave writes nothing in those namespaces,
// so such a workload has companions only if pave made them before its
// namespace was excluded, and the exclusion comes from pave's flags: the
// restart that brought it lists that workload first, and its reconcile
// prunes them. Each of its later events (every workload created, changed
// or deleted in kube-system, say) reconciled it to find nothing to prune.
func governedOrFirstListed(skip []string) predicate.Predicate {
	governed := func(o client.Object) bool { return o != nil && !slices.Contains(skip, o.GetNamespace()) }
	return predicate.Funcs{
		CreateFunc:  func(e event.CreateEvent) bool { return e.IsInInitialList || governed(e.Object) },
		UpdateFunc:  func(e event.UpdateEvent) bool { return governed(e.ObjectNew) },
		DeleteFunc:  func(e event.DeleteEvent) bool { return governed(e.Object) },
		GenericFunc: func(e event.GenericEvent) bool { return governed(e.Object) },
	}
}
