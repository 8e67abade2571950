package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pave-dev/pave/pkg/manifest"
)

// locate fills FieldLines, for the objects with findings or unknown fields,
// with the line of each field they name. Parsing an object's text again
// costs about what reading it did, so only the formats that carry a line
// per finding (JSON, SARIF, JUnit) ask for it.
func locate(workers int, objs []manifest.Object, checked []Object) {
	parallel(workers, len(objs), func(i int) {
		r := &checked[i]
		if len(r.Violations) == 0 && len(r.UnknownFields) == 0 {
			return
		}
		r.FieldLines = make(map[string]int, len(r.Violations)+len(r.UnknownFields))
		for _, v := range r.Violations {
			if _, done := r.FieldLines[v.Field]; !done && v.Field != "" {
				r.FieldLines[v.Field] = objs[i].FieldLine(v.Field)
			}
		}
		for _, u := range r.UnknownFields {
			if f := UnknownFieldPath(u); f != "" {
				r.FieldLines[f] = objs[i].FieldLine(f)
			}
		}
	})
}

// UnknownFieldPath is the path of an unknown field as the API server words
// it (`unknown field "spec.x"`), or "".
func UnknownFieldPath(note string) string {
	start, end := strings.IndexByte(note, '"'), strings.LastIndexByte(note, '"')
	if start < 0 || end <= start {
		return ""
	}
	return note[start+1 : end]
}

// inputError is err, which o could not be checked for, at the line of the
// field it names where it names one (a value of the wrong type), with what
// to do where YAML read a value as other than what it looks like.
func inputError(o *manifest.Object, err error) error {
	typed, ok := errors.AsType[*json.UnmarshalTypeError](err)
	if !ok || typed.Field == "" {
		return &manifest.Error{Source: o.Source, Line: o.Line, Err: err}
	}
	if hint := o.TypeHint(typed); hint != "" {
		err = fmt.Errorf("%w (%s)", err, hint)
	}
	return &manifest.Error{Source: o.Source, Line: o.FieldLine(typed.Field), Err: err}
}
