package mutators

import (
	"context"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// ServiceAccountToken turns off the automatic API token mount for pods that do not
// ask for it: most workloads never call the API server, and a mounted token is a
// credential an attacker can use. A pod that needs it sets
// automountServiceAccountToken: true.
type ServiceAccountToken struct{}

// Name implements engine.Mutator.
func (ServiceAccountToken) Name() string { return "service-account-token" }

// Scope implements engine.Scoped.
func (ServiceAccountToken) Scope() []string { return []string{"pod.spec.automountServiceAccountToken"} }

// Mutate implements engine.Mutator.
func (ServiceAccountToken) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	want := env.Policy.Spec.Security.AutomountServiceAccountToken
	if want == nil || *want || w.PodSpec.AutomountServiceAccountToken != nil {
		return false, nil
	}
	off := false
	w.PodSpec.AutomountServiceAccountToken = &off
	return true, nil
}
