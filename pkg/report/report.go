// Package report writes a check.Report in the formats `pave check -o` offers:
// table (for people), json, junit and sarif (for CI systems).
package report

import (
	"fmt"
	"io"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/policy"
)

// Formats lists the output formats.
var Formats = []string{"table", "json", "junit", "sarif"}

// Write writes rep in the named format. rules describes every rule (for SARIF's
// rule table); failOnWarn says the run fails on warnings too, so that JUnit's
// failures are the objects that fail it.
func Write(w io.Writer, format string, rep *check.Report, rules []policy.Rule, failOnWarn bool) error {
	switch format {
	case "table":
		return Table(w, rep)
	case "json":
		return JSON(w, rep)
	case "junit":
		return JUnit(w, rep, failOnWarn)
	case "sarif":
		return SARIF(w, rep, rules)
	}
	return fmt.Errorf("unknown output format %q; use one of %v", format, Formats)
}

// Summary counts the verdicts of a report.
type Summary struct {
	Objects int `json:"objects"`
	// Workloads counts the objects pave judged (check.Object.Workload):
	// workloads and the kinds its object rules govern. The key keeps its
	// first name for the scripts that read it.
	Workloads int `json:"workloads"`
	Denied    int `json:"denied"`
	// Warned counts the admitted objects that `--fail-on warn` fails on
	// (check.Object.Warns): a warning finding or an unknown field.
	Warned      int `json:"warned"`
	InputErrors int `json:"inputErrors"`
}

// Summarize counts a report.
func Summarize(rep *check.Report) Summary {
	s := Summary{Objects: len(rep.Objects), InputErrors: len(rep.Errors)}
	for _, o := range rep.Objects {
		if o.Workload {
			s.Workloads++
		}
		if !o.Allowed {
			s.Denied++
		} else if o.Warns() {
			s.Warned++
		}
	}
	return s
}

func objectName(o check.Object) string {
	if o.Namespace != "" {
		return fmt.Sprintf("%s %s/%s", o.Kind, o.Namespace, o.Called())
	}
	return fmt.Sprintf("%s %s", o.Kind, o.Called())
}
