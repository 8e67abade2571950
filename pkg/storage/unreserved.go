package storage

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	volumehelpers "k8s.io/component-helpers/storage/volume"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var ruleUnreserved = policy.Rule{ID: "claim-unreserved-volume", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a claim that names no volume fits no Available volume reserved for no claim: the control plane would bind it to one, pave refuses that binding (pave-reserved-volumes), and the claim waits"}

// Unreserved reports whether the control plane would bind pv to a claim of
// any namespace that fits it: it is Available, reserved for no claim, and
// not labelled v1alpha1.LabelSharedVolume.
func Unreserved(pv *corev1.PersistentVolume) bool {
	return pv.Status.Phase == corev1.VolumeAvailable && pv.Spec.ClaimRef == nil && pv.Labels[v1alpha1.LabelSharedVolume] != "true"
}

// VolumeFit is the cache's transform of a PersistentVolume: what Unreserved
// and the PV controller's matching read (its labels for a claim's selector,
// class, size, mode, access modes, attributes class and claimRef), not its
// source or node affinity.
func VolumeFit(obj any) (any, error) {
	pv, ok := obj.(*corev1.PersistentVolume)
	if !ok {
		return obj, nil
	}
	kept := &corev1.PersistentVolume{TypeMeta: pv.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{Name: pv.Name, UID: pv.UID, ResourceVersion: pv.ResourceVersion, Labels: pv.Labels, DeletionTimestamp: pv.DeletionTimestamp},
		Spec: corev1.PersistentVolumeSpec{Capacity: pv.Spec.Capacity, AccessModes: pv.Spec.AccessModes, ClaimRef: pv.Spec.ClaimRef,
			StorageClassName: pv.Spec.StorageClassName, VolumeMode: pv.Spec.VolumeMode, VolumeAttributesClassName: pv.Spec.VolumeAttributesClassName},
		Status: corev1.PersistentVolumeStatus{Phase: pv.Status.Phase}}
	return kept, nil
}

// UnreservedVolume warns of a claim the control plane would bind to a
// volume reserved for no claim, which ReserveGuard refuses: the claim would
// wait, with nothing on it to say why (the PV controller records no event
// of a failed binding). It finds the volume as the PV controller does
// (component-helpers' FindMatchingVolume).
type UnreservedVolume struct{}

// Name implements engine.Validator and engine.ObjectValidator.
func (UnreservedVolume) Name() string { return "claim-unreserved-volume" }

// Rules implements engine.Validator and engine.ObjectValidator.
func (UnreservedVolume) Rules() []policy.Rule { return []policy.Rule{ruleUnreserved} }

// Kinds implements engine.ObjectValidator.
func (UnreservedVolume) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{claimKind}
}

// ValidateObject implements engine.ObjectValidator.
func (UnreservedVolume) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	pvc, ok := obj.(*corev1.PersistentVolumeClaim)
	if !ok || pvc.Spec.VolumeName != "" || len(env.UnreservedVolumes) == 0 {
		return nil
	}
	return unreservedFit(pvc, "spec.resources.requests.storage", fmt.Sprintf("PersistentVolumeClaim %q", pvc.Name), env)
}

// Validate implements engine.Validator: the claims a StatefulSet's
// template or a pod's ephemeral volumes make.
func (UnreservedVolume) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	if len(env.UnreservedVolumes) == 0 {
		return nil
	}
	var out []policy.Violation
	for _, c := range workload.Claims(w) {
		if c.Spec.VolumeName == "" {
			pvc := &corev1.PersistentVolumeClaim{Spec: *c.Spec}
			out = append(out, unreservedFit(pvc, c.Path+".resources.requests.storage", "the claim at "+strings.TrimSuffix(c.Path, ".spec"), env)...)
		}
	}
	return out
}

// unreservedFit is the finding for a claim that an unreserved volume fits.
func unreservedFit(pvc *corev1.PersistentVolumeClaim, field, what string, env policy.Env) []policy.Violation {
	volumes := make([]*corev1.PersistentVolume, len(env.UnreservedVolumes))
	largest := resource.Quantity{}
	for i := range env.UnreservedVolumes {
		volumes[i] = &env.UnreservedVolumes[i]
		if size := volumes[i].Spec.Capacity[corev1.ResourceStorage]; volumehelpers.GetPersistentVolumeClass(volumes[i]) == volumehelpers.GetPersistentVolumeClaimClass(pvc) && size.Cmp(largest) > 0 {
			largest = size
		}
	}
	// As the PV controller asks: no node yet, the binding not delayed, and
	// volume attributes classes compared (GA since Kubernetes 1.34).
	pv, err := volumehelpers.FindMatchingVolume(pvc, volumes, nil, nil, false, true)
	if err != nil || pv == nil {
		return nil
	}
	size := pv.Spec.Capacity[corev1.ResourceStorage]
	return []policy.Violation{ruleUnreserved.Violation(field,
		fmt.Sprintf("%s would be bound to PersistentVolume %s (class %s, %s), which is Available and reserved for no claim: it may hold the data of another namespace, so pave refuses that binding (%s), and the claim waits until the platform team reserves the volume or it is gone",
			what, pv.Name, pv.Spec.StorageClassName, size.String(), ReserveGuardName),
		fmt.Sprintf("ask the platform team to reserve PersistentVolume %s for the claim it was made for (its spec.claimRef), or to share it if it is empty (label %s=true); or request more storage than %s, the largest such volume of the class, and the class provisions a volume of its own",
			pv.Name, v1alpha1.LabelSharedVolume, largest.String()))}
}
