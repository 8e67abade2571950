//go:build !goexperiment.jsonv2

package report

import "encoding/json"

// marshalIndent is json.MarshalIndent; the jsonv2 build does it in one pass.
func marshalIndent(v any, prefix, indent string) ([]byte, error) {
	return json.MarshalIndent(v, prefix, indent)
}
