package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Labels checks the labels the platform needs but could not derive, and that the
// zone is one the policy knows.
type Labels struct{}

var (
	ruleRequiredLabels = policy.Rule{ID: "required-labels", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
		Description: "workloads carry the labels the policy requires (team ownership by default)"}
	ruleZone = policy.Rule{ID: "zone-known", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
		Description: "the workload's zone is one of the policy's zones"}
)

// Name implements engine.Validator.
func (Labels) Name() string { return "labels" }

// Rules implements engine.Validator.
func (Labels) Rules() []policy.Rule { return []policy.Rule{ruleRequiredLabels, ruleZone} }

// Validate implements engine.Validator.
func (Labels) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	for _, key := range env.Policy.Spec.Labels.Required {
		if w.Meta.Labels[key] == "" {
			out = append(out, ruleRequiredLabels.Violation("metadata.labels",
				fmt.Sprintf("label %s is missing and the namespace %q does not provide one", key, env.Namespace.Name),
				fmt.Sprintf("set metadata.labels[%q] on the workload, or label the namespace with %s", key, key)))
		}
	}
	zones := env.Policy.Spec.Zones.Names
	if z := w.Meta.Labels[policy.LabelZone]; z != "" && len(zones) > 0 && !slices.Contains(zones, z) {
		out = append(out, ruleZone.Violation(fmt.Sprintf("metadata.labels[%s]", policy.LabelZone),
			fmt.Sprintf("zone %q is not one of the policy's zones", z),
			fmt.Sprintf("use one of: %s", strings.Join(zones, ", "))))
	}
	return out
}
