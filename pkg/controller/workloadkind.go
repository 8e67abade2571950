package controller

import (
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// newObject is an empty workload of the reconciler's kind.
func (c *Companions) newObject() client.Object {
	switch c.Kind {
	case "StatefulSet":
		return &appsv1.StatefulSet{}
	case "DaemonSet":
		return &appsv1.DaemonSet{}
	}
	return &appsv1.Deployment{}
}

// newList is an empty list of the reconciler's kind, typed: the informer
// the reconciler watches its kind with serves it.
func (c *Companions) newList() client.ObjectList {
	switch c.Kind {
	case "StatefulSet":
		return &appsv1.StatefulSetList{}
	case "DaemonSet":
		return &appsv1.DaemonSetList{}
	}
	return &appsv1.DeploymentList{}
}
