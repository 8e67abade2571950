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
	"github.com/pave-dev/pave/pkg/workload"
)

// labelZones gives the running Pods of a governed namespace the label of
// the zone they are in, in place: the zone's network policies find Pods by
// it, and a Pod is not restarted for a label.
//
// A Pod without the label predates pave (every Pod since gets it at its
// creation, and keeps it). It could neither call nor be called by its
// zone's other Pods once the namespace's default deny was written, and was
// outside its zone's ClusterNetworkPolicy boundary: pave's installation cut
// the traffic of every workload running before it until each was restarted.
//
// A controller's Pod whose label names a zone its namespace has left (the
// namespace was moved) stayed a member of the old zone for every other
// zone's policies until it was replaced: a namespace moved to a closed zone
// stayed reachable as its old one. Its label was pave's decision, as at its
// creation (mutator labels), and is decided again. A bare Pod's label is
// left: it may be its own claim, judged when it was created.
//
// It returns how many Pods it labelled.
func (n *Namespaces) labelZones(ctx context.Context, ns string, env policy.Env) (int, error) {
	iso := env.Policy.Spec.Zones.Isolation
	home := policy.DecideZone(env).Zone
	if n.Pods == nil || home == "" || iso.InForce() == v1alpha1.IsolationOff || policy.Infrastructure(iso, ns) {
		return 0, nil
	}
	// Those without the label, and those labelled with another zone.
	elsewhere, err := labels.NewRequirement(v1alpha1.LabelZone, selection.NotEquals, []string{home})
	if err != nil {
		return 0, err
	}
	var pods metav1.PartialObjectMetadataList
	pods.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("PodList"))
	if err := n.Pods.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabelsSelector{Selector: labels.NewSelector().Add(*elsewhere)}); err != nil {
		return 0, fmt.Errorf("list the Pods of %s outside zone %s: %w", ns, home, err)
	}
	labelled := 0
	for i := range pods.Items {
		p := &pods.Items[i]
		cur, has := p.Labels[v1alpha1.LabelZone]
		if p.DeletionTimestamp != nil || has && metav1.GetControllerOfNoCopy(p) == nil {
			continue
		}
		// Decided as at its creation: what the Pod names (a narrower zone
		// the policy allows) counts.
		zone := policy.WorkloadZone(&workload.Workload{Kind: "Pod", Meta: &p.ObjectMeta, PodMeta: &p.ObjectMeta}, env).Zone
		if zone == "" || has && zone == cur {
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
