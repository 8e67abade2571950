package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/pave-dev/pave/pkg/check"
)

// The JUnit XML schema as CI systems (Jenkins, GitLab, GitHub test reporters) read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes one test case per object (failed when it fails the run: denied,
// or warned of where failOnWarn; skipped when not judged) and one errored case
// per unreadable input, so a CI system's test report agrees with the exit code.
func JUnit(w io.Writer, rep *check.Report, failOnWarn bool) error {
	suite := junitSuite{Name: "pave check"}
	for _, o := range rep.Objects {
		c := junitCase{Name: objectName(o), Classname: fmt.Sprintf("%s:%d", o.Source, o.Line)}
		var denied, notes []string
		for _, v := range o.Violations {
			line := fmt.Sprintf("[%s] %s at %s (%s:%d): %s (fix: %s)", v.Mode, v.Rule, v.Field, o.Source, o.LineOf(v.Field), v.Message, v.Fix)
			if v.Denies() {
				denied = append(denied, line)
			} else {
				notes = append(notes, line)
			}
		}
		notes = append(notes, o.Notes()...)
		switch {
		case len(denied) > 0:
			c.Failure = &junitMessage{Message: fmt.Sprintf("denied by %d rule(s)", len(denied)), Type: "policy", Text: strings.Join(denied, "\n")}
			suite.Failures++
		case o.Fails(failOnWarn): // an unknown field fails the run even where pave judges nothing
			c.Failure = &junitMessage{Message: "warned (--fail-on warn)", Type: "warning", Text: strings.Join(notes, "\n")}
			suite.Failures++
		case o.Skipped != "":
			c.Skipped = &junitMessage{Message: o.Skipped}
		case !o.Workload:
			c.Skipped = &junitMessage{Message: "not a workload"}
		}
		c.SystemOut = strings.Join(notes, "\n")
		suite.Cases = append(suite.Cases, c)
	}
	for i, err := range rep.Errors {
		suite.Cases = append(suite.Cases, junitCase{Name: fmt.Sprintf("input error %d", i+1), Classname: "input",
			Error: &junitMessage{Message: err.Error(), Type: "input"}})
		suite.Errors++
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "pave", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
