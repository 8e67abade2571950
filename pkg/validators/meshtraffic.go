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
// must parse and stay within the policy's bounds, or pave would silently
// generate something other than what the team asked for. One that would do
// nothing is a warning: the workload runs as it would without it, and a
// chart or kustomization may set it on every workload it deploys.
type MeshTraffic struct{}

var (
	ruleMeshTraffic = policy.Rule{ID: "mesh-traffic", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
		Description: "pave.dev/timeout, pave.dev/retries and pave.dev/per-try-timeout parse and stay within the policy's bounds"}
	ruleMeshTrafficUnrouted = policy.Rule{ID: "mesh-traffic-unrouted", Severity: v1alpha1.SeverityLow, Mode: v1alpha1.ModeWarn,
		Description: "pave.dev/timeout, pave.dev/retries and pave.dev/per-try-timeout are set only where pave writes routes for the workload"}
)

// trafficAnnotations are the annotations MeshTraffic judges.
var trafficAnnotations = []string{v1alpha1.AnnotationTimeout, v1alpha1.AnnotationRetries, v1alpha1.AnnotationPerTryTimeout}

// Name implements engine.Validator.
func (MeshTraffic) Name() string { return "mesh-traffic" }

// Rules implements engine.Validator.
func (MeshTraffic) Rules() []policy.Rule {
	return []policy.Rule{ruleMeshTraffic, ruleMeshTrafficUnrouted}
}

// Validate implements engine.Validator.
func (MeshTraffic) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	spec := env.Policy.Spec.Mesh
	var out []policy.Violation
	var problems []mesh.Problem
	if spec.Mode.UsesIstio() {
		_, problems = mesh.Effective(w, spec.Traffic)
		for _, p := range problems {
			out = append(out, ruleMeshTraffic.Violation(policy.AnnotationField(p.Annotation), p.Message, p.Fix))
		}
	}
	// Only the served kinds: those are the kinds pave reads the annotations
	// of, and a Pod or Job that carries one copied it from a template,
	// where the team cannot act on a warning.
	if !workload.Served(w) || !slices.ContainsFunc(trafficAnnotations, func(key string) bool { _, ok := w.Meta.Annotations[key]; return ok }) {
		return out
	}
	why, fix := unrouted(w, spec.Mode)
	if why == "" {
		return out
	}
	for _, key := range trafficAnnotations {
		if _, set := w.Meta.Annotations[key]; !set || slices.ContainsFunc(problems, func(p mesh.Problem) bool { return p.Annotation == key }) {
			continue // a bad value is said once
		}
		out = append(out, ruleMeshTrafficUnrouted.Violation(policy.AnnotationField(key),
			fmt.Sprintf("has no effect: pave writes no routes for this workload, since %s", why), fix))
	}
	return out
}

// unrouted says why pave writes no routes for a served workload, and what
// to do; "" when it does.
func unrouted(w *workload.Workload, mode v1alpha1.MeshMode) (why, fix string) {
	if !mode.UsesIstio() {
		return fmt.Sprintf("the policy's mesh mode is %q, and only Istio routes (istio or delegate)", mode), "remove it: without Istio nothing reads it"
	}
	if c, isCanary, _ := mesh.CanaryOf(w); isCanary {
		return fmt.Sprintf("a canary's requests follow the routes of its stable workload, %q", c.Of), fmt.Sprintf("set it on %q, whose routes the canary shares", c.Of)
	}
	return mesh.Unrouted(w)
}
