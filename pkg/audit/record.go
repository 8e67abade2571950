// Package audit records pave's decisions: one structured record per admission
// decision that denies, warns, is waived or finds an audit-mode rule broken,
// written as a JSON line, counted, told as an Event on the object, and
// aggregated into one report per namespace (OpenReports or PolicyReport),
// beside what the background audit finds in what already runs.
//
// The records, the aggregation and the reports are pure (record.go,
// book.go, report.go); Recorder, Writer and Scanner do the I/O, off the
// admission path: a full queue drops and counts, it never delays a request.
// docs/audit.md has the schema, the report layout and the bounds.
package audit

import (
	"time"
	"unicode/utf8"

	"github.com/pave-dev/pave/pkg/policy"
)

// Schema names the record format in every line of the audit log, for log
// pipelines to select pave's decisions.
const Schema = "pave.dev/audit/v1"

// Record is one admission decision.
type Record struct {
	Schema string    `json:"schema"`
	Time   time.Time `json:"time"`
	// UID is the admission request's uid (the API server's audit log has it too).
	UID        string   `json:"uid"`
	User       string   `json:"user"`
	Groups     []string `json:"groups,omitempty"`
	Operation  string   `json:"operation"`
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace,omitempty"`
	Name       string   `json:"name"`
	DryRun     bool     `json:"dryRun"`
	// Allowed is the decision: false when an enforced finding denied it.
	Allowed  bool      `json:"allowed"`
	Findings []Finding `json:"findings"`
	// PolicyGeneration is the PlatformPolicy generation that judged it
	// (0: the built-in policy); PaveVersion the server's version.
	PolicyGeneration int64  `json:"policyGeneration"`
	PaveVersion      string `json:"paveVersion"`
}

// Finding is one rule's finding in a decision.
type Finding struct {
	Rule     string         `json:"rule"`
	Severity string         `json:"severity"`
	Mode     string         `json:"mode"`
	Outcome  policy.Outcome `json:"outcome"`
	Field    string         `json:"field"`
	Message  string         `json:"message"`
	Fix      string         `json:"fix"`
	// Exception names what waived it, when something did.
	Exception string `json:"exception,omitempty"`
}

// Request is what the adapter knows of the request a decision answers.
type Request struct {
	Time                                                    time.Time
	UID, User, Operation, APIVersion, Kind, Namespace, Name string
	Groups                                                  []string
	DryRun                                                  bool
	PolicyGeneration                                        int64
	PaveVersion                                             string
}

// New is the record of a decision on r, holding the findings whose outcome
// the policy records; ok is false when there are none (nothing to record).
func New(p *policy.Policy, r Request, vs []policy.Violation) (rec Record, ok bool) {
	rec = Record{Schema: Schema, Time: r.Time.UTC(), UID: r.UID, User: r.User, Groups: r.Groups, Operation: r.Operation,
		APIVersion: r.APIVersion, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, DryRun: r.DryRun, Allowed: true,
		PolicyGeneration: r.PolicyGeneration, PaveVersion: r.PaveVersion}
	for _, v := range vs {
		o := v.Outcome()
		if o == policy.OutcomeDeny {
			rec.Allowed = false
		}
		if !p.Records(o) {
			continue
		}
		rec.Findings = append(rec.Findings, Finding{Rule: v.Rule, Severity: string(v.Severity), Mode: string(v.Mode), Outcome: o,
			Field: v.Field, Message: v.Message, Fix: v.Fix, Exception: v.Exception})
	}
	return rec, len(rec.Findings) > 0
}

// cut shortens s so that it takes at most n bytes once encoded as a JSON
// string, marking the cut: what a report stores is bounded even for texts
// made of characters JSON escapes to six bytes (control characters, <, >, &).
func cut(s string, n int) string {
	size, at := 0, -1
	for i, r := range s {
		size += jsonSize(r)
		if at < 0 && size > n-len("…") {
			at = i // where the cut goes, if one is needed
		}
		if size > n {
			return s[:at] + "…"
		}
	}
	return s
}

// jsonSize is how many bytes encoding/json (and the API server) write for r.
func jsonSize(r rune) int {
	switch {
	case r == '"' || r == '\\':
		return 2
	case r < 0x20 || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029 || r == utf8.RuneError:
		return 6
	}
	return utf8.RuneLen(r)
}
