// Package backup keeps stateful services backed up with Velero: on each
// stateful workload's pod template, the data volumes Velero backs up file by
// file, and a finding where backups do not cover them (docs/data.md). The
// namespace's Schedule is package velero's.
package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// DataVolumes are the pod volumes that hold a workload's persistent data:
// those backed by a PersistentVolumeClaim and a StatefulSet's claim
// templates (which its pods mount under the template's name), sorted.
// Generic ephemeral volumes are scratch space and left out.
func DataVolumes(w *workload.Workload) []string {
	var out []string
	for _, v := range w.PodSpec.Volumes {
		if v.PersistentVolumeClaim != nil {
			out = append(out, v.Name)
		}
	}
	if sts, ok := w.Object.(*appsv1.StatefulSet); ok {
		for _, t := range sts.Spec.VolumeClaimTemplates {
			if !slices.Contains(out, t.Name) {
				out = append(out, t.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// optedOut reports whether the workload asks to stay out of the backups.
func optedOut(w *workload.Workload) bool {
	return w.Meta.Annotations[v1alpha1.AnnotationBackup] == "false" || w.PodMeta.Annotations[v1alpha1.AnnotationBackup] == "false"
}

// Volumes names a stateful workload's data volumes for Velero's file
// system backup on its pod template, unless the template names some
// already (the team's choice stands) or the workload is allowed out.
type Volumes struct{}

// Name implements engine.Mutator.
func (Volumes) Name() string { return "backup-volumes" }

// Scope implements engine.Scoped: the pods' annotations.
func (Volumes) Scope() []string { return []string{"pod.metadata.annotations"} }

// Mutate implements engine.Mutator.
func (Volumes) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	b := env.Policy.Spec.Backups
	vols := DataVolumes(w)
	if !b.On() || len(vols) == 0 || (optedOut(w) && b.AllowOptOut) {
		return false, nil
	}
	if _, ok := w.PodMeta.Annotations[v1alpha1.AnnotationVeleroBackupVolumes]; ok {
		return false, nil
	}
	if w.PodMeta.Annotations == nil {
		w.PodMeta.Annotations = map[string]string{}
	}
	w.PodMeta.Annotations[v1alpha1.AnnotationVeleroBackupVolumes] = strings.Join(vols, ",")
	return true, nil
}

var ruleCovered = policy.Rule{ID: "backup-covered", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "stateful workloads are backed up: pave's daily schedule covers their data volumes"}

// Covered reports a stateful workload that no backup covers: it opted out
// where the policy does not allow it, or the policy schedules none.
type Covered struct{}

// Name implements engine.Validator.
func (Covered) Name() string { return "backup-covered" }

// Rules implements engine.Validator.
func (Covered) Rules() []policy.Rule { return []policy.Rule{ruleCovered} }

// Validate implements engine.Validator.
func (Covered) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	b := env.Policy.Spec.Backups
	vols := DataVolumes(w)
	switch {
	case len(vols) == 0:
		return nil
	case !b.On():
		return []policy.Violation{ruleCovered.Violation(w.PodSpecPath+".volumes",
			fmt.Sprintf("%s keeps data in %s, and the policy schedules no backups", w.Kind, strings.Join(vols, ", ")),
			"ask the platform team to turn backups on (spec.backups in the PlatformPolicy)")}
	case optedOut(w) && !b.AllowOptOut:
		return []policy.Violation{ruleCovered.Violation(policy.AnnotationField(v1alpha1.AnnotationBackup),
			fmt.Sprintf("%s opts its data (%s) out of the backups, which the policy does not allow", w.Kind, strings.Join(vols, ", ")),
			fmt.Sprintf("remove %s: \"false\"; only a cache whose data can be rebuilt may stay out, where the platform team allows it (spec.backups.allowOptOut)", v1alpha1.AnnotationBackup))}
	}
	return nil
}
