//go:build goexperiment.jsonv2

package report

import (
	jsonv1 "encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
)

// marshalIndent is json.MarshalIndent in one pass: encoding/json encodes,
// then formats what it encoded a second time.
func marshalIndent(v any, prefix, indent string) ([]byte, error) {
	return jsonv2.Marshal(v, jsonv1.DefaultOptionsV1(), jsontext.WithIndentPrefix(prefix), jsontext.WithIndent(indent))
}
