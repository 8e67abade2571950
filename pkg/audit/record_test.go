package audit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func violation(rule string, mode v1alpha1.Mode) policy.Violation {
	return policy.Violation{Rule: rule, Severity: v1alpha1.SeverityHigh, Mode: mode, Field: "spec.template.spec.containers[0].image",
		Message: rule + " is broken", Fix: "fix " + rule}
}

// A record holds the findings whose outcome the policy records, and the
// decision; a decision with none of them makes no record.
func TestNewRecordsWhatThePolicyAsks(t *testing.T) {
	p := policy.Default()
	req := Request{Time: t0, UID: "u1", User: "alice", Groups: []string{"team-shop"}, Operation: "CREATE", APIVersion: "apps/v1",
		Kind: "Deployment", Namespace: "shop", Name: "api", PolicyGeneration: 3, PaveVersion: "v0.1.0"}
	waived := violation("no-latest", v1alpha1.ModeEnforce)
	waived.Exception = "pave-system/legacy"
	vs := []policy.Violation{violation("registry", v1alpha1.ModeEnforce), violation("probes", v1alpha1.ModeWarn), waived, violation("owner", v1alpha1.ModeAudit)}
	rec, ok := New(p, req, vs)
	if !ok || rec.Allowed || len(rec.Findings) != 4 || rec.Schema != Schema || rec.User != "alice" || rec.PolicyGeneration != 3 {
		t.Fatalf("record %+v", rec)
	}
	var outcomes []string
	for _, f := range rec.Findings {
		outcomes = append(outcomes, string(f.Outcome))
	}
	if got := strings.Join(outcomes, ","); got != "deny,warn,waived,record" {
		t.Errorf("outcomes %s", got)
	}
	if rec.Findings[2].Exception != "pave-system/legacy" {
		t.Errorf("the waiver is not named: %+v", rec.Findings[2])
	}

	p.Spec.Audit.Outcomes = []string{"deny"}
	rec, ok = New(p, req, vs[1:])
	if ok || !rec.Allowed {
		t.Errorf("a policy recording denials only recorded an admitted request: %+v", rec)
	}
	if _, ok := New(policy.Default(), req, nil); ok {
		t.Error("a decision without findings made a record")
	}
}

// A cut text takes at most its bound once JSON-encoded, whatever it holds,
// and is cut on a character boundary.
func TestCutBoundsTheEncodedSize(t *testing.T) {
	for _, s := range []string{strings.Repeat("é", 300), strings.Repeat("<\x00", 300), strings.Repeat(`"`, 300), "short"} {
		c := cut(s, 256)
		js, _ := json.Marshal(c)
		if len(js)-2 > 256 || !strings.HasPrefix(s, strings.TrimSuffix(c, "…")) || !utf8.ValidString(c) {
			t.Errorf("%.10q cut to %d encoded bytes: %.20q", s, len(js)-2, c)
		}
	}
	if cut("short", 256) != "short" {
		t.Error("a short text was cut")
	}
}
