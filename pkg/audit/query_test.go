package audit

import (
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/policy"
)

// Select filters by category, outcome, rule, user and time, newest first;
// Summarize adds up a team's denials by rule and ranks its fixes.
func TestSelectAndSummarize(t *testing.T) {
	res := func(category, rule, name, user, fix string, o policy.Outcome, count int64, seen time.Duration) Result {
		return Result{Key: Key{Category: category, Rule: rule, Kind: "Deployment", Name: name}, Outcome: o, Count: count,
			LastUser: user, Fix: fix, FirstSeen: t0, LastSeen: t0.Add(seen)}
	}
	reports := map[string][]Result{
		"shop": {res(CategoryAdmission, "image-pinned", "api", "alice", "pin a version", policy.OutcomeDeny, 7, time.Hour),
			res(CategoryAdmission, "readiness-probe", "api", "alice", "add a probe", policy.OutcomeWarn, 9, time.Hour),
			res(CategoryBackground, "image-pinned", "api", "", "pin a version", policy.OutcomeDeny, 1, 0)},
		"cart": {res(CategoryAdmission, "image-pinned", "web", "bob", "pin a version", policy.OutcomeDeny, 3, 2*time.Hour),
			res(CategoryAdmission, "no-literal-secrets", "web", "bob", "use a secretKeyRef", policy.OutcomeDeny, 1, -time.Hour)},
	}
	denials := Filter{Category: CategoryAdmission, Outcomes: []policy.Outcome{policy.OutcomeDeny}}
	rows := Select(reports, denials)
	if len(rows) != 3 || rows[0].Namespace != "cart" || rows[0].Rule != "image-pinned" || rows[2].Rule != "no-literal-secrets" {
		t.Fatalf("rows %+v", rows)
	}
	if got := Select(reports, Filter{Category: CategoryAdmission, Outcomes: denials.Outcomes, User: "alice"}); len(got) != 1 || got[0].Count != 7 {
		t.Errorf("by user: %+v", got)
	}
	if got := Select(reports, Filter{Category: CategoryAdmission, Outcomes: denials.Outcomes, Since: t0}); len(got) != 2 {
		t.Errorf("since: %+v", got)
	}
	teams := Summarize(rows, func(ns string) string { return map[string]string{"shop": "retail", "cart": "retail"}[ns] }, 1)
	if len(teams) != 1 || teams[0].Team != "retail" || teams[0].Denials != 11 || teams[0].Rules[0] != (Tally{Of: "image-pinned", Count: 10}) ||
		len(teams[0].TopFixes) != 1 || teams[0].TopFixes[0].Of != "image-pinned: pin a version" {
		t.Errorf("summary %+v", teams)
	}
}
