package audit

import (
	"cmp"
	"slices"
	"time"

	"github.com/pave-dev/pave/pkg/policy"
)

// Row is one report result and the namespace whose report holds it.
type Row struct {
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Rule      string `json:"rule,omitempty"`
	Outcome   string `json:"outcome"`
	Severity  string `json:"severity,omitempty"`
	Count     int64  `json:"count"`
	LastUser  string `json:"lastUser,omitempty"`
	FirstSeen string `json:"firstSeen"`
	LastSeen  string `json:"lastSeen"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message,omitempty"`
	Fix       string `json:"fix,omitempty"`

	lastSeen time.Time
}

// Filter selects rows; its zero value selects every one.
type Filter struct {
	Category string
	Outcomes []policy.Outcome
	Rule     string
	User     string
	// Since keeps rows last seen at or after it.
	Since time.Time
}

// Select returns the results of the reports (by namespace) that pass the
// filter, the most recently seen first.
func Select(reports map[string][]Result, f Filter) []Row {
	var out []Row
	for ns, results := range reports {
		for _, r := range results {
			if f.Category != "" && r.Category != f.Category || len(f.Outcomes) > 0 && !slices.Contains(f.Outcomes, r.Outcome) ||
				f.Rule != "" && r.Rule != f.Rule || f.User != "" && r.LastUser != f.User || r.LastSeen.Before(f.Since) {
				continue
			}
			out = append(out, Row{Namespace: ns, Kind: r.Kind, Name: r.Name, Rule: r.Rule, Outcome: string(r.Outcome), Severity: r.Severity,
				Count: r.Count, LastUser: r.LastUser, FirstSeen: r.FirstSeen.Format(time.RFC3339), LastSeen: r.LastSeen.Format(time.RFC3339),
				Field: r.Field, Message: r.Message, Fix: r.Fix, lastSeen: r.LastSeen})
		}
	}
	slices.SortFunc(out, func(a, b Row) int {
		return cmp.Or(b.lastSeen.Compare(a.lastSeen), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind+a.Name, b.Kind+b.Name), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}

// Tally is a count of one thing (a rule, a fix).
type Tally struct {
	Of    string `json:"of"`
	Count int64  `json:"count"`
}

// TeamSummary is what one team's denials come to: how many, by rule, and
// the fixes that would clear the most of them.
type TeamSummary struct {
	Team     string  `json:"team"`
	Denials  int64   `json:"denials"`
	Rules    []Tally `json:"rules"`
	TopFixes []Tally `json:"topFixes"`
}

// Summarize groups rows by team (teamOf names a namespace's team), the
// teams with the most denials first; each lists at most top fixes.
func Summarize(rows []Row, teamOf func(namespace string) string, top int) []TeamSummary {
	type acc struct {
		denials      int64
		rules, fixes map[string]int64
	}
	teams := map[string]*acc{}
	for _, r := range rows {
		t := teamOf(r.Namespace)
		a := teams[t]
		if a == nil {
			a = &acc{rules: map[string]int64{}, fixes: map[string]int64{}}
			teams[t] = a
		}
		a.denials += r.Count
		a.rules[r.Rule] += r.Count
		if r.Fix != "" {
			a.fixes[r.Rule+": "+r.Fix] += r.Count
		}
	}
	out := make([]TeamSummary, 0, len(teams))
	for t, a := range teams {
		fixes := tallies(a.fixes)
		out = append(out, TeamSummary{Team: t, Denials: a.denials, Rules: tallies(a.rules), TopFixes: fixes[:min(top, len(fixes))]})
	}
	slices.SortFunc(out, func(a, b TeamSummary) int {
		return cmp.Or(cmp.Compare(b.Denials, a.Denials), cmp.Compare(a.Team, b.Team))
	})
	return out
}

func tallies(m map[string]int64) []Tally {
	out := make([]Tally, 0, len(m))
	for k, n := range m {
		out = append(out, Tally{Of: k, Count: n})
	}
	slices.SortFunc(out, func(a, b Tally) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Of, b.Of)) })
	return out
}
