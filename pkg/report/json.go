package report

import (
	"encoding/json"
	"io"

	"github.com/pave-dev/pave/pkg/check"
)

type jsonReport struct {
	Summary Summary        `json:"summary"`
	Objects []check.Object `json:"objects"`
	Errors  []string       `json:"errors"`
}

// JSON writes the report as one JSON document with a summary, the objects and
// the input errors.
func JSON(w io.Writer, rep *check.Report) error {
	out := jsonReport{Summary: Summarize(rep), Objects: rep.Objects, Errors: []string{}}
	if out.Objects == nil {
		out.Objects = []check.Object{}
	}
	for _, err := range rep.Errors {
		out.Errors = append(out.Errors, err.Error())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
