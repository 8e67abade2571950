package policy

import "github.com/pave-dev/pave/pkg/api/v1alpha1"

// Rule describes one check a validator makes. Its Mode and Severity are defaults
// that the PlatformPolicy may override.
type Rule struct {
	ID          string
	Severity    v1alpha1.Severity
	Mode        v1alpha1.Mode
	Description string
}

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
	// Exception names the PolicyException (namespace/name) that waives this
	// violation; a waived violation is recorded but never denies.
	Exception string `json:"exception,omitempty"`
}

// Violation builds a violation of r with r's default mode and severity; the engine
// applies the policy's overrides.
func (r Rule) Violation(field, message, fix string) Violation {
	return Violation{Rule: r.ID, Severity: r.Severity, Mode: r.Mode, Field: field, Message: message, Fix: fix}
}

// Denies reports whether the violation blocks admission.
func (v Violation) Denies() bool {
	return v.Mode == v1alpha1.ModeEnforce && v.Exception == ""
}
