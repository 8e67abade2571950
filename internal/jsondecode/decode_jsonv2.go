//go:build goexperiment.jsonv2

package jsondecode

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"errors"
	"reflect"

	"k8s.io/apimachinery/pkg/runtime"
)

// Remembers says whether this build remembers values (json v2 is in it).
const Remembers = true

// Hook decodes one Go type through a memo while a Decoder decodes a value.
type Hook struct{ u *jsonv2.Unmarshalers }

// Remember is the Hook that decodes values of type T through m: a value whose
// exact bytes m remembers is copied from m, any other is decoded (and
// remembered if m has seen its bytes before), with the inner hooks for the
// values inside it. The values are decoded into fresh (zero) Go values, as
// Decoder.Unmarshal does; decoding into a half-filled value would merge.
func Remember[T any](m *Memo[T], inner ...Hook) Hook {
	opts := withHooks(inner)
	return Hook{jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *T) error {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if m.get(raw, v) {
			return nil
		}
		if err := jsonv2.Unmarshal(raw, v, opts...); err != nil {
			return err
		}
		m.put(raw, v)
		return nil
	})}
}

// Presize is the Hook that decodes a JSON array into a []E made to its
// length, at most limit, where the decoder would grow the slice one
// doubling at a time (a pod template's 20 containers cost the room of 63).
// Beyond limit the decoder grows it as before, so a hostile array costs no
// more than it would have.
func Presize[E any](limit int) Hook {
	return Hook{jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *[]E) error {
		if n := min(arrayLength(dec.UnreadBuffer()), limit); n > 0 {
			*v = make([]E, 0, n)
		}
		return jsonv2.UnmarshalDecode(dec, (*sized[E])(v))
	})}
}

// RawInPlace is the Hook that decodes a runtime.RawExtension (an
// AdmissionReview's object, most of its bytes) as the part of the input it
// spans, where its UnmarshalJSON copies it. The input must outlive the
// value and not change. json v2 decodes a []byte in place, so the value
// read is the input's own bytes (OwnBytes makes sure of it).
func RawInPlace() Hook {
	return Hook{jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, re *runtime.RawExtension) error {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if string(raw) != "null" { // as RawExtension.UnmarshalJSON reads null
			re.Raw = raw[:len(raw):len(raw)]
		}
		return nil
	})}
}

// OwnBytes is raw, which RawInPlace decoded from input, when it is input's
// own bytes, and a copy of it when not: json v2 decodes a []byte in place,
// and a decoder that some day reads into a buffer of its own must not leave
// the request holding that buffer.
func OwnBytes(raw, input []byte) []byte {
	if RawWithin(raw, input) {
		return raw
	}
	return bytes.Clone(raw)
}

// sized is a slice the Presize hook has made: a type of its own, so that
// decoding it does not call the hook again.
type sized[E any] []E

// options are encoding/json's semantics but for the names of fields, which
// match exactly, as the API server's decoder (sigs.k8s.io/json) matches them.
func options() []jsonv2.Options {
	return []jsonv2.Options{json.DefaultOptionsV1(), json.ReportErrorsWithLegacySemantics(false), jsonv2.MatchCaseInsensitiveNames(false)}
}

// Decoder decodes JSON as the API server does, in one pass, with its hooks.
type Decoder struct{ opts []jsonv2.Options }

// New returns a Decoder with the hooks given.
func New(hooks ...Hook) *Decoder { return &Decoder{opts: withHooks(hooks)} }

// withHooks are options() with the hooks given.
func withHooks(hooks []Hook) []jsonv2.Options {
	opts := options()
	if len(hooks) > 0 {
		us := make([]*jsonv2.Unmarshalers, len(hooks))
		for i, h := range hooks {
			us[i] = h.u
		}
		opts = append(opts, jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(us...)))
	}
	return opts
}

// Unmarshal decodes data into v, a pointer to a zero value, as the API
// server does; a nil Decoder has no hooks. On an error v is half filled,
// and the error is in encoding/json's words.
func (d *Decoder) Unmarshal(data []byte, v any) error {
	opts := options()
	if d != nil {
		opts = d.opts
	}
	return inWords(data, v, jsonv2.Unmarshal(data, v, opts...))
}

// UnmarshalKnown decodes data into v, a pointer to a zero value, as Unmarshal
// does, and names the fields data has that v's type lacks, as the API
// server's strict field validation names them (`unknown field "spec.x"`).
// Objects without such fields, nearly all, are decoded once.
func UnmarshalKnown(data []byte, v any) (unknown []string, err error) {
	err = jsonv2.Unmarshal(data, v, append(options(), jsonv2.RejectUnknownMembers(true))...)
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, jsonv2.ErrUnknownName) {
		return nil, inWords(data, v, err)
	}
	reflect.ValueOf(v).Elem().SetZero()
	if err := Unmarshal(data, v); err != nil {
		return nil, err
	}
	return unknownFields(data, v), nil
}
