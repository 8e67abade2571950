package policy_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// One function decides what a finding does; every adapter and report asks it.
func TestOutcome(t *testing.T) {
	cases := []struct {
		v    policy.Violation
		want policy.Outcome
	}{
		{policy.Violation{Mode: v1alpha1.ModeEnforce}, policy.OutcomeDeny},
		{policy.Violation{Mode: v1alpha1.ModeWarn}, policy.OutcomeWarn},
		{policy.Violation{Mode: v1alpha1.ModeAudit}, policy.OutcomeRecord},
		{policy.Violation{Mode: v1alpha1.ModeEnforce, Exception: "PolicyException pave-system/x"}, policy.OutcomeWaived},
		{policy.Violation{Mode: v1alpha1.ModeAudit, Exception: "PolicyException pave-system/x"}, policy.OutcomeWaived},
		{policy.Violation{Mode: v1alpha1.ModeEnforce, Preexisting: true}, policy.OutcomeWarn},
		{policy.Violation{Mode: v1alpha1.ModeAudit, Preexisting: true}, policy.OutcomeRecord},
	}
	for _, c := range cases {
		if got := c.v.Outcome(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.v, got, c.want)
		}
		if c.v.Denies() != (c.want == policy.OutcomeDeny) {
			t.Errorf("%+v: Denies disagrees with Outcome", c.v)
		}
	}
}
