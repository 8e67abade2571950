package policy

import "github.com/pave-dev/pave/pkg/api/v1alpha1"

// Rule describes one check a validator makes. Its Mode and Severity are defaults
// that the PlatformPolicy may override.
type Rule struct {
	ID          string
	Severity    v1alpha1.Severity
	Mode        v1alpha1.Mode
	Description string
	// TemplateOnly marks a rule that judges a workload's pod template but
	// not what a controller makes from it (ReplicaSets, Pods, Jobs): a
	// finding of it in the template holds back the workload's next change,
	// not its new pods (pave preflight tells the two apart).
	TemplateOnly bool
}

// AnnotationField is the field of an object's annotation key, as a
// Violation names it.
func AnnotationField(key string) string { return "metadata.annotations[" + key + "]" }

// Violation is one broken rule on one object.
type Violation struct {
	Rule     string            `json:"rule"`
	Severity v1alpha1.Severity `json:"severity"`
	Mode     v1alpha1.Mode     `json:"mode"`
	// Field is the path of the offending field, e.g. spec.template.spec.containers[0].image.
	Field   string `json:"field"`
	Message string `json:"message"`
	// Fix tells the user what to change.
	Fix string `json:"fix"`
	// Exception names what waives this violation: a PolicyException
	// (namespace/name) or the policy's allowance for debug containers. A waived
	// violation is shown and recorded but never denies.
	Exception string `json:"exception,omitempty"`
	// Preexisting marks a violation that the object had before this update
	// (same rule, field and message): it is shown but does not block an update
	// that adds nothing new, so a tightened policy never stops controllers
	// from scaling or relabelling what already runs.
	Preexisting bool `json:"preexisting,omitempty"`
	// Measure is how much of what a rule bounds the object holds (labels,
	// hosts), for a finding of a bound: such a finding stays preexisting on
	// update only while its measure does not grow, so an object over the
	// bound before pave can shrink, or change elsewhere, but not grow.
	// Zero for other findings; not part of the report.
	Measure int `json:"-"`
}

// Outcome is what a violation does to a request.
type Outcome string

// The outcomes, from the most to the least severe.
const (
	// OutcomeDeny rejects the request.
	OutcomeDeny Outcome = "deny"
	// OutcomeWarn admits it with a warning the client prints.
	OutcomeWarn Outcome = "warn"
	// OutcomeWaived admits it because an exception waives the rule; the user
	// is told, so a waiver is never silent.
	OutcomeWaived Outcome = "waived"
	// OutcomeRecord admits it silently and records the finding (audit mode).
	OutcomeRecord Outcome = "record"
)

// Violation builds a violation of r with r's default mode and severity; the engine
// applies the policy's overrides.
func (r Rule) Violation(field, message, fix string) Violation {
	return Violation{Rule: r.ID, Severity: r.Severity, Mode: r.Mode, Field: field, Message: message, Fix: fix}
}

// Outcome decides what the violation does; every adapter and report asks
// here rather than reading the mode.
func (v Violation) Outcome() Outcome {
	switch {
	case v.Exception != "":
		return OutcomeWaived
	case v.Mode == v1alpha1.ModeAudit:
		return OutcomeRecord
	case v.Mode == v1alpha1.ModeEnforce && !v.Preexisting:
		return OutcomeDeny
	}
	return OutcomeWarn
}

// Denies reports whether the violation blocks admission.
func (v Violation) Denies() bool { return v.Outcome() == OutcomeDeny }
