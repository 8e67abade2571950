package validators

import (
	"context"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// ServiceAccountToken makes an explicit automountServiceAccountToken: true
// visible where the policy turns the token off by default: the token is an
// API credential in every container, and asking for it should be a decision
// someone sees, not a silent pass. It warns by default; a policy may enforce
// it or leave it to audit.
type ServiceAccountToken struct{}

var ruleServiceAccountToken = policy.Rule{ID: "service-account-token", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "pods mount the API token only when they need it (automountServiceAccountToken: true is reported)"}

// Name implements engine.Validator.
func (ServiceAccountToken) Name() string { return "service-account-token" }

// Rules implements engine.Validator.
func (ServiceAccountToken) Rules() []policy.Rule { return []policy.Rule{ruleServiceAccountToken} }

// Validate implements engine.Validator.
func (ServiceAccountToken) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	def := env.Policy.Spec.Security.AutomountServiceAccountToken
	mount := w.PodSpec.AutomountServiceAccountToken
	if def == nil || *def || mount == nil || !*mount {
		return nil
	}
	return []policy.Violation{ruleServiceAccountToken.Violation(w.PodSpecPath+".automountServiceAccountToken",
		"the pod mounts its service account's API token into every container (automountServiceAccountToken: true)",
		"remove automountServiceAccountToken: true unless the workload calls the Kubernetes API; if it does, keep it and ask the platform team for a PolicyException for service-account-token")}
}
