package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Selector is the label selector of a workload's pods, for the kinds that
// have one (a ReplicationController's is a plain map); nil otherwise.
func Selector(w *Workload) *metav1.LabelSelector {
	switch o := w.Object.(type) {
	case *appsv1.Deployment:
		return o.Spec.Selector
	case *appsv1.StatefulSet:
		return o.Spec.Selector
	case *appsv1.DaemonSet:
		return o.Spec.Selector
	case *appsv1.ReplicaSet:
		return o.Spec.Selector
	case *corev1.ReplicationController:
		if len(o.Spec.Selector) > 0 {
			return &metav1.LabelSelector{MatchLabels: o.Spec.Selector}
		}
	}
	return nil
}
