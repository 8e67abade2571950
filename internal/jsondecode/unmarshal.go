package jsondecode

import (
	"encoding/json"
	"reflect"
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
			return err1
		}
	}
	return err
}
