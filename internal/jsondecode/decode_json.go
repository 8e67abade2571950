//go:build !goexperiment.jsonv2

package jsondecode

import sigsjson "sigs.k8s.io/json"

// Remembers says whether this build remembers values (json v2 is in it).
const Remembers = false

// Hook decodes one Go type through a memo while a Decoder decodes a value.
// Without json v2 there are no hooks: see the package's doc.
type Hook struct{}

// Remember is the Hook that decodes values of type T through m; without json
// v2 it does nothing.
func Remember[T any](*Memo[T], ...Hook) Hook { return Hook{} }

// Presize is the Hook that decodes a JSON array into a slice made to its
// length; without json v2 it does nothing.
func Presize[E any](int) Hook { return Hook{} }

// RawInPlace is the Hook that decodes a runtime.RawExtension in place;
// without json v2 it does nothing (the extension copies itself).
func RawInPlace() Hook { return Hook{} }

// OwnBytes is raw, which RawInPlace decoded from input; without json v2
// it is the extension's own copy already.
func OwnBytes(raw, _ []byte) []byte { return raw }

// Decoder decodes JSON as the API server does.
type Decoder struct{}

// New returns a Decoder; without json v2 the hooks are ignored.
func New(...Hook) *Decoder { return &Decoder{} }

// Unmarshal is the API server's decoder, sigs.k8s.io/json, with errors in
// encoding/json's words.
func (*Decoder) Unmarshal(data []byte, v any) error {
	return inWords(data, v, sigsjson.UnmarshalCaseSensitivePreserveInts(data, v))
}

// UnmarshalKnown is Unmarshal that also names the fields data has that v's
// type lacks, as the API server's strict field validation names them.
func UnmarshalKnown(data []byte, v any) (unknown []string, err error) {
	if err := Unmarshal(data, v); err != nil {
		return nil, err
	}
	return unknownFields(data, v), nil
}
