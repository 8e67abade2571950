package report

import (
	"errors"
	"fmt"
	"io"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/version"
)

// Rules of the SARIF results that are no policy rule: the engine's warnings
// and the fields kubectl's strict validation refuses (check.Object.Notes).
const (
	sarifWarning      = "pave/warning"
	sarifUnknownField = "pave/unknown-field"
)

// SARIF writes a SARIF 2.1.0 log: every rule in the driver's rule table, one
// result per violation located at its field's line where the report has it
// (check.Options.FieldLines), else its object's, waived ones with
// a suppression that names the PolicyException; the engine's warnings and the
// unknown fields as warnings of their own rules; and the inputs that could not
// be read as error notifications of an unsuccessful invocation, so that a
// code-scanning upload never shows a broken file as clean.
func SARIF(w io.Writer, rep *check.Report, rules []policy.Rule) error {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("pave", "https://github.com/pave-dev/pave")
	run.Tool.Driver.WithVersion(version.Version)
	for _, r := range rules {
		run.AddRule(r.ID).WithDescription(r.Description).
			WithProperties(sarif.NewPropertyBag().Add("severity", string(r.Severity)).Add("mode", string(r.Mode)))
	}
	run.AddRule(sarifWarning).WithDescription("A warning of the engine, such as a PolicyException that expired and no longer waives its rule.")
	run.AddRule(sarifUnknownField).WithDescription("A field the kind does not have: kubectl's strict field validation refuses the object before admission sees it.")
	for _, o := range rep.Objects {
		for _, msg := range o.Warnings {
			run.CreateResultForRule(sarifWarning).WithLevel("warning").
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: %s", objectName(o), msg))).
				AddLocation(fileLocation(o.Source, o.Line))
		}
		for _, f := range o.UnknownFields {
			run.CreateResultForRule(sarifUnknownField).WithLevel("warning").
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: %s", objectName(o), check.UnknownFieldNote(f)))).
				AddLocation(fileLocation(o.Source, o.LineOf(check.UnknownFieldPath(f))))
		}
		for _, v := range o.Violations {
			if run.GetRuleIndex(v.Rule) < 0 {
				run.AddRule(v.Rule)
			}
			res := run.CreateResultForRule(v.Rule).
				WithLevel(level(v)).
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: %s at %s. Fix: %s", objectName(o), v.Message, v.Field, v.Fix))).
				AddLocation(fileLocation(o.Source, o.LineOf(v.Field)).AddLogicalLocation(sarif.NewLogicalLocation().
					WithFullyQualifiedName(fmt.Sprintf("%s/%s/%s.%s", o.Kind, o.Namespace, o.Called(), v.Field)).
					WithKind("object")))
			if v.Exception != "" {
				res.AddSuppression(sarif.NewSuppression().WithKind("external").
					WithJustification("waived by " + v.Exception))
			}
		}
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(len(rep.Errors) == 0)
	for _, err := range rep.Errors {
		n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(err.Error()))
		if me, ok := errors.AsType[*manifest.Error](err); ok {
			n.AddLocation(fileLocation(me.Source, me.Line))
		}
		inv.AddToolExecutionNotification(n)
	}
	run.AddInvocation(inv)
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

// fileLocation is a line of an input file.
func fileLocation(file string, line int) *sarif.Location {
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(file)).
		WithRegion(sarif.NewRegion().WithStartLine(line)))
}
