package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/policy"
)

// Table writes one block per object: the verdict, then each finding with its
// mode, rule, field, message and fix, then a summary line.
func Table(w io.Writer, rep *check.Report) error {
	var b strings.Builder
	for _, o := range rep.Objects {
		verdict := "ok"
		switch {
		case !o.Workload:
			verdict = "skipped (not a workload)"
		case !o.Allowed:
			verdict = "DENIED"
		case hasModeAny(o):
			verdict = "allowed with findings"
		}
		fmt.Fprintf(&b, "%s:%d  %s  %s", o.Source, o.Line, objectName(o), verdict)
		if len(o.Mutators) > 0 {
			fmt.Fprintf(&b, "  (mutated by %s)", strings.Join(o.Mutators, ", "))
		}
		b.WriteByte('\n')
		for _, v := range o.Violations {
			fmt.Fprintf(&b, "    %-8s %s  %s\n", label(v), v.Rule, v.Field)
			fmt.Fprintf(&b, "             %s\n", v.Message)
			fmt.Fprintf(&b, "             fix: %s\n", v.Fix)
			if v.Exception != "" {
				fmt.Fprintf(&b, "             waived by %s\n", v.Exception)
			}
		}
		for _, c := range o.Companions {
			fmt.Fprintf(&b, "    creates  %s\n", c)
		}
		for _, warn := range o.Notes() {
			fmt.Fprintf(&b, "    warning  %s\n", warn)
		}
	}
	for _, err := range rep.Errors {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	s := Summarize(rep)
	fmt.Fprintf(&b, "\n%d objects, %d workloads: %d denied, %d with warnings; %d input errors\n",
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
