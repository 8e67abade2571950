package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// labelZoneless gives the running Pods of a governed namespace that carry
// no zone label (they predate pave: every Pod since gets it at its creation,
// and keeps it) the label of their zone. The zone's network policies find
// Pods by that label, so without it such a Pod could neither call nor be
// called by its zone's other Pods once the namespace's default deny is
// written, and was outside its zone's ClusterNetworkPolicy boundary: pave's
// installation cut the traffic of every workload running before it until
// each was restarted. A label is changed in place; the Pod is not restarted.
// It returns how many Pods it labelled.
func (n *Namespaces) labelZoneless(ctx context.Context, ns string, env policy.Env) (int, error) {
	iso := env.Policy.Spec.Zones.Isolation
	if n.Pods == nil || iso.InForce() == v1alpha1.IsolationOff || policy.Infrastructure(iso, ns) {
		return 0, nil
	}
	zoneless, err := labels.NewRequirement(v1alpha1.LabelZone, selection.DoesNotExist, nil)
	if err != nil {
		return 0, err
	}
	var pods metav1.PartialObjectMetadataList
	pods.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("PodList"))
	if err := n.Pods.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabelsSelector{Selector: labels.NewSelector().Add(*zoneless)}); err != nil {
		return 0, fmt.Errorf("list the Pods of %s without a zone label: %w", ns, err)
	}
	labelled := 0
	for i := range pods.Items {
		p := &pods.Items[i]
		if p.DeletionTimestamp != nil {
			continue
		}
		// A Pod that narrows its zone by annotation, where the policy allows
		// it, joins that zone, as it would have at its creation.
		var asked []policy.ZoneRequest
		if v, ok := p.Annotations[v1alpha1.LabelZone]; ok {
			asked = append(asked, policy.ZoneRequest{Value: v, Field: "metadata.annotations[" + v1alpha1.LabelZone + "]", Set: true})
		}
		zone := policy.DecideZone(env, asked...).Zone
		if zone == "" {
			continue
		}
		p.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Pod"))
		patch := fmt.Appendf(nil, `{"metadata":{"labels":{%q:%q}}}`, v1alpha1.LabelZone, zone)
		if err := n.Client.Patch(ctx, p, client.RawPatch(types.MergePatchType, patch)); client.IgnoreNotFound(err) != nil {
			return labelled, fmt.Errorf("label Pod %s/%s with its zone: %w", ns, p.Name, err)
		}
		labelled++
	}
	return labelled, nil
}
