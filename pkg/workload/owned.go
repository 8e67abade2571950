package workload

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// TemplateOfItsOwner reports whether w's pod template belongs to the
// workload that controls it, which must find it unchanged: a ReplicaSet a
// Deployment (or an Argo Rollout) controls. The Deployment controller finds
// a Deployment's current ReplicaSet by comparing their templates and, when
// none is equal, makes a new one: a template completed in the ReplicaSet (a
// new proxy after a policy change, a Deployment admitted before pave) made
// it make another on every sync, without end. Such a template is completed
// in its owner and in each Pod, never in the ReplicaSet; the validating
// webhook still judges it.
func TemplateOfItsOwner(w *Workload) bool {
	return w.Kind == "ReplicaSet" && metav1.GetControllerOfNoCopy(w.Meta) != nil
}
