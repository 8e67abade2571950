package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var ruleVolumeName = policy.Rule{ID: "claim-volume-name", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "claim templates (a StatefulSet's, a pod's ephemeral volumes) name no PersistentVolume: the StorageClass provisions one"}

// VolumeNames judges the claims a workload's controllers will make: a
// template that names a PersistentVolume (spec.volumeName) has its claims
// bound to that volume, and the controller that writes them is trusted by
// the claims' guard (Guard), so the template is judged here.
type VolumeNames struct{}

// Name implements engine.Validator.
func (VolumeNames) Name() string { return "claim-volume-name" }

// Rules implements engine.Validator.
func (VolumeNames) Rules() []policy.Rule { return []policy.Rule{ruleVolumeName} }

// Validate implements engine.Validator.
func (VolumeNames) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	for _, c := range workload.Claims(w) {
		if c.Spec.VolumeName == "" {
			continue
		}
		out = append(out, ruleVolumeName.Violation(c.Path+".volumeName",
			fmt.Sprintf("the claim at %s names PersistentVolume %q: %s", strings.TrimSuffix(c.Path, ".spec"), c.Spec.VolumeName, boundVolumeWhy),
			"remove "+c.Path+".volumeName"))
	}
	return out
}
