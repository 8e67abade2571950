package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/policy"
)

func finding(rule, field, message string) policy.Violation {
	return policy.Violation{Rule: rule, Field: field, Message: message}
}

// A few findings (the short path) and many (the counting path) are bounded
// alike: repeats dropped, order kept, texts cut.
func TestBoundDropsRepeatsAndCutsTexts(t *testing.T) {
	long := strings.Repeat("x", MaxTextBytes+10)
	for _, extra := range []int{0, 2 * MaxPerRule} {
		t.Run(fmt.Sprintf("%d other findings", extra), func(t *testing.T) {
			vs := []policy.Violation{
				finding("a", "f", "m"),
				finding("b", "f", "m"),
				finding("a", "f", "m"), // a repeat
				finding("a", "g", "m"),
				finding("c", "f", long+"1"),
				finding("c", "f", long+"2"), // differs past the cut: not a repeat
			}
			for i := range extra {
				vs = append(vs, finding(fmt.Sprintf("other-%d", i), "f", "m"))
			}
			got := bound(vs)
			if len(got) != 5+extra {
				t.Fatalf("kept %d findings, want %d: %s", len(got), 5+extra, ruleFields(got))
			}
			for i, want := range []string{"a f", "b f", "a g", "c f", "c f"} {
				if g := got[i].Rule + " " + got[i].Field; g != want {
					t.Errorf("finding %d is %q, want %q", i, g, want)
				}
			}
			if n := len(got[3].Message); n > MaxTextBytes {
				t.Errorf("a %d-byte message kept %d bytes, want at most %d", len(long)+1, n, MaxTextBytes)
			}
		})
	}
}

// A rule with more than MaxPerRule findings lists the first ones and
// counts the rest.
func TestBoundCountsWhatARuleDoesNotList(t *testing.T) {
	var vs []policy.Violation
	for i := range MaxPerRule + 3 {
		vs = append(vs, finding("a", fmt.Sprintf("f%d", i), "m"))
	}
	got := bound(vs)
	if len(got) != MaxPerRule+1 {
		t.Fatalf("kept %d findings, want %d", len(got), MaxPerRule+1)
	}
	if last := got[MaxPerRule].Message; last != "3 more findings of this rule are not listed" {
		t.Errorf("summary %q", last)
	}
}

func ruleFields(vs []policy.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule+" "+v.Field)
	}
	return strings.Join(out, ", ")
}
