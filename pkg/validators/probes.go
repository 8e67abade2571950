package validators

import (
	"context"
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Probes asks long-running containers for a readiness probe. It warns by default:
// the platform cannot invent the endpoint that says "ready".
type Probes struct{}

var ruleReadiness = policy.Rule{ID: "readiness-probe", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "long-running containers have a readiness probe, so traffic waits until they can serve"}

// Name implements engine.Validator.
func (Probes) Name() string { return "probes" }

// Rules implements engine.Validator.
func (Probes) Rules() []policy.Rule { return []policy.Rule{ruleReadiness} }

// Validate implements engine.Validator.
func (Probes) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	if w.RunsToCompletion() {
		return nil
	}
	var out []policy.Violation
	for i, c := range w.PodSpec.Containers {
		// Istio's proxy gets its probe with its image, from Istio's injector.
		if c.ReadinessProbe == nil && !mesh.IstioFillsImage(w, &c, env.Namespace.Labels) {
			out = append(out, ruleReadiness.Violation(fmt.Sprintf("%s.containers[%d].readinessProbe", w.PodSpecPath, i),
				fmt.Sprintf("container %q has no readiness probe", c.Name),
				"add readinessProbe.httpGet with the path that answers 200 when the service can serve (in a pave service spec: readiness_probe.path)"))
		}
	}
	return out
}
