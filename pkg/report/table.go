package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/policy"
)

// Table writes one block per object: the verdict, then each finding with its
// mode, rule, field, message and fix, then a summary line. Where the check
// located the findings (check.Options.FieldLines), each field is followed by
// its file:line, which editors and terminals open. Every line is Printable:
// its names and messages come from the input.
func Table(w io.Writer, rep *check.Report) error {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(Printable(fmt.Sprintf(format, args...)))
		b.WriteByte('\n')
	}
	for _, o := range rep.Objects {
		verdict := "ok"
		switch {
		case o.Skipped != "":
			verdict = "skipped (" + o.Skipped + ")"
		case !o.Workload:
			verdict = "skipped (not a workload)"
		case !o.Allowed:
			verdict = "DENIED"
		case hasModeAny(o):
			verdict = "allowed with findings"
		}
		mutated := ""
		if len(o.Mutators) > 0 {
			mutated = "  (mutated by " + strings.Join(o.Mutators, ", ") + ")"
		}
		line("%s:%d  %s  %s%s", o.Source, o.Line, objectName(o), verdict, mutated)
		for _, v := range o.Violations {
			at := ""
			if o.FieldLines != nil {
				at = fmt.Sprintf("  %s:%d", o.Source, o.LineOf(v.Field))
			}
			line("    %-8s %s  %s%s", label(v), v.Rule, v.Field, at)
			line("             %s", v.Message)
			line("             fix: %s", v.Fix)
			if v.Exception != "" {
				line("             waived by %s", v.Exception)
			}
		}
		for _, c := range o.Companions {
			line("    creates  %s", c)
		}
		for _, warn := range o.Notes() {
			line("    warning  %s", warn)
		}
	}
	for _, err := range rep.Errors {
		b.WriteString("error: " + PrintableError(err) + "\n")
	}
	s := Summarize(rep)
	b.WriteByte('\n')
	// "judged": workloads and the kinds pave's object rules govern
	// (Services, Ingresses, ...); the JSON summary keeps its "workloads" key.
	line("%d objects, %d judged: %d denied, %d with warnings; %d input errors",
		s.Objects, s.Workloads, s.Denied, s.Warned, s.InputErrors)
	_, err := io.WriteString(w, b.String())
	return err
}

// label names what a finding does, in the words of the modes.
func label(v policy.Violation) string {
	switch v.Outcome() {
	case policy.OutcomeDeny:
		return "enforce"
	case policy.OutcomeWaived:
		return "waived"
	case policy.OutcomeRecord:
		return "audit"
	}
	return "warn"
}

func hasModeAny(o check.Object) bool {
	for _, v := range o.Violations {
		if v.Outcome() != policy.OutcomeWaived {
			return true
		}
	}
	return len(o.Warnings)+len(o.UnknownFields) > 0 // what Notes words, without wording it
}
