package report

import (
	"fmt"
	"io"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/version"
)

// SARIF writes a SARIF 2.1.0 log: every rule in the driver's rule table, one
// result per violation located at the object's file and line, waived ones with
// a suppression that names the PolicyException.
func SARIF(w io.Writer, rep *check.Report, rules []policy.Rule) error {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("pave", "https://github.com/pave-dev/pave")
	run.Tool.Driver.WithVersion(version.Version)
	for _, r := range rules {
		run.AddRule(r.ID).WithDescription(r.Description).
			WithProperties(sarif.NewPropertyBag().Add("severity", string(r.Severity)).Add("mode", string(r.Mode)))
	}
	for _, o := range rep.Objects {
		for _, v := range o.Violations {
			if run.GetRuleIndex(v.Rule) < 0 {
				run.AddRule(v.Rule)
			}
			res := run.CreateResultForRule(v.Rule).
				WithLevel(level(v)).
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: %s at %s. Fix: %s", objectName(o), v.Message, v.Field, v.Fix))).
				AddLocation(sarif.NewLocationWithPhysicalLocation(
					sarif.NewPhysicalLocation().
						WithArtifactLocation(sarif.NewSimpleArtifactLocation(o.Source)).
						WithRegion(sarif.NewRegion().WithStartLine(o.Line)),
				).AddLogicalLocation(sarif.NewLogicalLocation().
					WithFullyQualifiedName(fmt.Sprintf("%s/%s/%s.%s", o.Kind, o.Namespace, o.Name, v.Field)).
					WithKind("object")))
			if v.Exception != "" {
				res.AddSuppression(sarif.NewSuppression().WithKind("external").
					WithJustification("waived by " + v.Exception))
			}
		}
	}
	log.AddRun(run)
	if err := log.Validate(); err != nil {
		return fmt.Errorf("sarif: the log does not match the SARIF 2.1.0 schema: %w", err)
	}
	return log.PrettyWrite(w)
}

// level is SARIF's word for a finding's outcome; a waived finding keeps its
// level and carries a suppression.
func level(v policy.Violation) string {
	switch {
	case v.Mode == v1alpha1.ModeEnforce:
		return "error"
	case v.Outcome() == policy.OutcomeRecord:
		return "note"
	}
	return "warning"
}
