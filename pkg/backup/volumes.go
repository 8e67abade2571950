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

// optedOut reports whether the workload asks to stay out of the backups:
// by pave's annotation, or by Velero's own label.
func optedOut(w *workload.Workload) bool {
	return annotatedOut(w) || len(veleroExcluded(w)) > 0
}

// annotatedOut reports whether the workload or its pods carry pave's
// opt-out, pave.dev/backup: "false".
func annotatedOut(w *workload.Workload) bool {
	return w.Meta.Annotations[v1alpha1.AnnotationBackup] == "false" || w.PodMeta.Annotations[v1alpha1.AnnotationBackup] == "false"
}

// Volumes names a stateful workload's data volumes for Velero's file
// system backup on its pod template, unless the workload is allowed out.
// A template that names volumes already keeps its list (it may name more
// than the data volumes); where the policy allows no opt-out, the data
// volumes it leaves out are added to it.
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
	listed, ok := w.PodMeta.Annotations[v1alpha1.AnnotationVeleroBackupVolumes]
	if ok && b.AllowOptOut {
		return false, nil // the team's choice stands
	}
	missing := leftOut(listed, vols)
	if len(missing) == 0 {
		return false, nil
	}
	if w.PodMeta.Annotations == nil {
		w.PodMeta.Annotations = map[string]string{}
	}
	if strings.TrimSpace(listed) != "" {
		missing = append([]string{listed}, missing...)
	}
	w.PodMeta.Annotations[v1alpha1.AnnotationVeleroBackupVolumes] = strings.Join(missing, ",")
	return true, nil
}

// leftOut are the volumes of vols that a backup-volumes list does not name.
func leftOut(list string, vols []string) []string {
	named := strings.Split(list, ",")
	for i := range named {
		named[i] = strings.TrimSpace(named[i])
	}
	return slices.DeleteFunc(slices.Clone(vols), func(v string) bool { return slices.Contains(named, v) })
}

// veleroExcluded lists the fields where the workload carries Velero's own
// exclusion: on the pod template, it keeps the pods and the volumes copied
// from them out of every backup; on a StatefulSet's claim template, its
// claims.
func veleroExcluded(w *workload.Workload) []string {
	var out []string
	if w.PodMeta.Labels[v1alpha1.LabelVeleroExclude] == "true" {
		out = append(out, w.PodMetaPath+".labels["+v1alpha1.LabelVeleroExclude+"]")
	}
	if sts, ok := w.Object.(*appsv1.StatefulSet); ok {
		for i, t := range sts.Spec.VolumeClaimTemplates {
			if t.Labels[v1alpha1.LabelVeleroExclude] == "true" {
				out = append(out, fmt.Sprintf("spec.volumeClaimTemplates[%d].metadata.labels[%s]", i, v1alpha1.LabelVeleroExclude))
			}
		}
	}
	return out
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
	case b.AllowOptOut:
		return nil
	}
	data := strings.Join(vols, ", ")
	allowed := "only a cache whose data can be rebuilt may stay out, where the platform team allows it (spec.backups.allowOptOut)"
	var out []policy.Violation
	if annotatedOut(w) {
		out = append(out, ruleCovered.Violation(policy.AnnotationField(v1alpha1.AnnotationBackup),
			fmt.Sprintf("%s opts its data (%s) out of the backups, which the policy does not allow", w.Kind, data),
			fmt.Sprintf("remove %s: \"false\"; %s", v1alpha1.AnnotationBackup, allowed)))
	}
	for _, field := range veleroExcluded(w) {
		out = append(out, ruleCovered.Violation(field,
			fmt.Sprintf("%s carries Velero's %s=true: Velero leaves what carries it out of every backup, and the data (%s) with it, which the policy does not allow", w.Kind, v1alpha1.LabelVeleroExclude, data),
			fmt.Sprintf("remove the label; %s", allowed)))
	}
	if listed, ok := w.PodMeta.Annotations[v1alpha1.AnnotationVeleroBackupVolumes]; ok {
		if missing := leftOut(listed, vols); len(missing) > 0 {
			out = append(out, ruleCovered.Violation(w.PodMetaPath+".annotations["+v1alpha1.AnnotationVeleroBackupVolumes+"]",
				fmt.Sprintf("the pods name %q for Velero to back up, not %s: Velero copies only the volumes named, which the policy does not allow", listed, strings.Join(missing, ", ")),
				fmt.Sprintf("add %s to the list, or remove the annotation and pave names every data volume", strings.Join(missing, ", "))))
		}
	}
	return out
}
