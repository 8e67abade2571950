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
		Description: "the workload's zone is its namespace's (a known zone), or a narrower one where the policy allows"}
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
	return append(out, zoneViolations(w, env)...)
}

// zoneViolations judges the zone: the namespace's zone must be a known zone,
// and whatever the workload names (label or annotation, on the object or its
// pod template: the pods' label is what network policies select on) must be
// the zone in force.
func zoneViolations(w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	d := policy.WorkloadZone(w, env)
	zones := env.Policy.Spec.Zones.Names
	if len(zones) > 0 && !slices.Contains(zones, d.Namespace) {
		out = append(out, ruleZone.Violation(fmt.Sprintf("namespace %s: labels[%s]", env.Namespace.Name, v1alpha1.LabelZone),
			fmt.Sprintf("the namespace's zone %q (from %s) is not one of the policy's zones", d.Namespace, d.NamespaceSource()),
			fmt.Sprintf("ask the platform team to label namespace %s with %s set to one of: %s", env.Namespace.Name, v1alpha1.LabelZone, strings.Join(zones, ", "))))
	}
	for _, r := range policy.ZoneRequests(w) {
		if !r.Set || r.Value == d.Zone {
			continue
		}
		// Each place is judged on its own: the label pave set from the
		// namespace must not hide why an annotation's zone was refused.
		why := policy.DecideZone(env, r).Refused
		if why == "" {
			why = fmt.Sprintf("it differs from the zone in force, %q", d.Zone)
		}
		fix := fmt.Sprintf("remove %s (pave sets it from the namespace), or deploy to a namespace in zone %q", r.Field, r.Value)
		if r.Value == "" {
			fix = fmt.Sprintf("remove the empty %s: pave sets it from the namespace", r.Field)
		}
		out = append(out, ruleZone.Violation(r.Field,
			fmt.Sprintf("the workload names zone %q but its namespace is in zone %q (from %s): %s", r.Value, d.Namespace, d.NamespaceSource(), why), fix))
	}
	return append(out, zoneLabelMissing(w, d)...)
}

// zoneLabelMissing judges a Pod without the zone label. pave sets it when the
// Pod is created, and the zone's network policies find its Pods by it: the
// ClusterNetworkPolicy boundary of a zone has the zone's Pods as its
// subject, so a Pod without the label (removed with kubectl label, or
// created while the mutating webhook was skipped) would be outside every
// boundary and reach whatever its zone may not. A template needs no label:
// its Pods get it at their creation. A Pod created before pave was
// installed keeps passing its updates (engine.ValidateUpdate).
func zoneLabelMissing(w *workload.Workload, d policy.ZoneDecision) []policy.Violation {
	if w.Kind != "Pod" || d.Zone == "" {
		return nil
	}
	if _, ok := w.Meta.Labels[v1alpha1.LabelZone]; ok {
		return nil
	}
	return []policy.Violation{ruleZone.Violation("metadata.labels["+v1alpha1.LabelZone+"]",
		fmt.Sprintf("the Pod has no label %s: its zone %q's network policies find the zone's Pods by it, and a Pod without it is outside the zone's boundary", v1alpha1.LabelZone, d.Zone),
		fmt.Sprintf("keep the label %s: %s, which pave sets when the Pod is created; a Pod created while pave's mutating webhook was skipped is completed when it is created again", v1alpha1.LabelZone, d.Zone))}
}
