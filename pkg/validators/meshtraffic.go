package validators

import (
	"context"
	"fmt"
	"slices"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// MeshTraffic checks the pave.dev/ traffic annotations a team may set: they
// must parse and stay within the policy's bounds, and take effect, or pave
// would silently generate something other than what the team asked for.
type MeshTraffic struct{}

var ruleMeshTraffic = policy.Rule{ID: "mesh-traffic", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "pave.dev/timeout, pave.dev/retries and pave.dev/per-try-timeout parse, stay within the policy's bounds and set routes pave writes"}

// trafficAnnotations are the annotations MeshTraffic judges.
var trafficAnnotations = []string{v1alpha1.AnnotationTimeout, v1alpha1.AnnotationRetries, v1alpha1.AnnotationPerTryTimeout}

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
		out = append(out, ruleMeshTraffic.Violation(annotationField(p.Annotation), p.Message, p.Fix))
	}
	return append(out, withoutEffect(w, problems)...)
}

// withoutEffect judges the traffic annotations of a workload pave writes no
// routes for: a canary (its requests follow its stable's routes), or one
// without a Service pave can name. Only the served kinds are judged: those
// are the kinds pave reads the annotations of, and a Pod or Job that
// carries one copied it from a template, where denying it would stop its
// controller rather than tell the team.
func withoutEffect(w *workload.Workload, problems []mesh.Problem) []policy.Violation {
	set := func(key string) bool { _, ok := w.Meta.Annotations[key]; return ok }
	if !workload.Served(w) || !slices.ContainsFunc(trafficAnnotations, set) {
		return nil
	}
	why, fix := mesh.Unrouted(w)
	if c, isCanary, _ := mesh.CanaryOf(w); isCanary {
		why = fmt.Sprintf("a canary's requests follow the routes of its stable workload, %q", c.Of)
		fix = fmt.Sprintf("set it on %q, whose routes the canary shares", c.Of)
	}
	if why == "" {
		return nil
	}
	var out []policy.Violation
	for _, key := range trafficAnnotations {
		if !set(key) || slices.ContainsFunc(problems, func(p mesh.Problem) bool { return p.Annotation == key }) {
			continue
		}
		out = append(out, ruleMeshTraffic.Violation(annotationField(key),
			fmt.Sprintf("has no effect: pave writes no routes for this workload, since %s", why), fix))
	}
	return out
}

func annotationField(key string) string { return "metadata.annotations[" + key + "]" }
