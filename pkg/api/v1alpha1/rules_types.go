package v1alpha1

// Mode says what happens when a rule is broken.
// +kubebuilder:validation:Enum=enforce;warn;audit
type Mode string

// The modes a rule can run in.
const (
	// ModeEnforce denies the request.
	ModeEnforce Mode = "enforce"
	// ModeWarn admits the request and returns an admission warning (kubectl prints it).
	ModeWarn Mode = "warn"
	// ModeAudit admits silently; the finding is only recorded.
	ModeAudit Mode = "audit"
)

// Severity ranks a finding for reports (SARIF level, PolicyReport severity).
// +kubebuilder:validation:Enum=critical;high;medium;low
type Severity string

// The severities a rule can carry.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// RuleSetting overrides the built-in mode or severity of one rule.
type RuleSetting struct {
	// ID of the rule, as `pave explain` lists it (e.g. image-pinned).
	// +kubebuilder:validation:MinLength=1
	ID string `json:"id"`
	// Mode replaces the rule's default mode.
	// +optional
	Mode Mode `json:"mode,omitempty"`
	// Severity replaces the rule's default severity.
	// +optional
	Severity Severity `json:"severity,omitempty"`
}
