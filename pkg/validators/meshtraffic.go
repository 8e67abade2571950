package validators

import (
	"context"
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// MeshTraffic checks the pave.dev/ traffic annotations a team may set: they
// must parse and stay within the policy's bounds, or pave would silently
// generate something other than what the team asked for.
type MeshTraffic struct{}

var ruleMeshTraffic = policy.Rule{ID: "mesh-traffic", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "pave.dev/timeout, pave.dev/retries and pave.dev/per-try-timeout parse and stay within the policy's bounds"}

// Name implements engine.Validator.
func (MeshTraffic) Name() string { return "mesh-traffic" }

// Rules implements engine.Validator.
func (MeshTraffic) Rules() []policy.Rule { return []policy.Rule{ruleMeshTraffic} }

// Validate implements engine.Validator.
func (MeshTraffic) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	if !env.Policy.Spec.Mesh.Mode.UsesIstio() {
		return nil
	}
	_, problems := mesh.Effective(w, env.Policy.Spec.Mesh.Traffic)
	var out []policy.Violation
	for _, p := range problems {
		out = append(out, ruleMeshTraffic.Violation(fmt.Sprintf("metadata.annotations[%s]", p.Annotation), p.Message, p.Fix))
	}
	return out
}
