package jsondecode

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	sigsjson "sigs.k8s.io/json"
)

// Unmarshal decodes data into v, a pointer to a zero value, as the API server
// does, in one pass, remembering nothing.
func Unmarshal(data []byte, v any) error { return (*Decoder)(nil).Unmarshal(data, v) }

// inWords returns err, a decoding error, in encoding/json's words: users read
// them, and they name the element (containers.0.ports.0) where the API
// server's decoder names only the field. Errors are rare (the API server
// encodes what a webhook gets), so decoding again costs nothing that counts.
// encoding/json matches names regardless of case and may not fail where the
// exact match failed; err stands then.
func inWords(data []byte, v any, err error) error {
	if err == nil {
		return nil
	}
	if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Pointer {
		if err1 := json.Unmarshal(data, reflect.New(t.Elem()).Interface()); err1 != nil {
			var typed *json.UnmarshalTypeError
			if errors.As(err1, &typed) {
				// Built on json v2, encoding/json names a map's key as a JSON
				// pointer does (RFC 6901): annotations.example.com~1owner.
				typed.Field = strings.NewReplacer("~1", "/", "~0", "~").Replace(typed.Field)
			}
			return err1
		}
	}
	return err
}

// unknownFields are the fields data has that v's type lacks, in the API
// server's words, read by its decoder into a fresh value of v's type.
func unknownFields(data []byte, v any) []string {
	fresh := reflect.New(reflect.TypeOf(v).Elem()).Interface()
	strict, err := sigsjson.UnmarshalStrict(data, fresh, sigsjson.DisallowUnknownFields)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(strict))
	for _, e := range strict {
		out = append(out, e.Error())
	}
	return out
}
