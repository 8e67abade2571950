package jsondecode_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// A review decoded with RawInPlace holds the same values as one decoded by
// encoding/json, and (with json v2) its objects are the input's own bytes.
func TestRawInPlaceReadsTheInputsOwnBytes(t *testing.T) {
	d := jsondecode.New(jsondecode.RawInPlace())
	for _, in := range []string{
		`{"request":{"uid":"u","object":{"kind":"Pod","metadata":{"name":"a\"b"}},"oldObject":null}}`,
		`{"request":{"uid":"u","object":  [1, {"x": "}"}] ,"oldObject":{"a":1}}}`,
		`{"request":{"uid":"u","object":"text","oldObject":0}}`,
		`{"request":{"uid":"u"}}`,
	} {
		body := []byte(in)
		var got, want admissionv1.AdmissionReview
		if err := d.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoded %+v, encoding/json %+v", in, got.Request, want.Request)
		}
		for _, raw := range [][]byte{got.Request.Object.Raw, got.Request.OldObject.Raw} {
			if jsondecode.Remembers && !jsondecode.RawWithin(raw, body) {
				t.Errorf("%s: %s is a copy", in, raw)
			}
			if len(raw) > 0 && !bytes.Contains(body, raw) {
				t.Errorf("%s: %s is not in the input", in, raw)
			}
		}
	}
}

func TestRawWithin(t *testing.T) {
	buf := []byte("0123456789")
	for _, c := range []struct {
		sub  []byte
		want bool
	}{{buf[2:5], true}, {buf[:], true}, {buf[9:], true}, {nil, true}, {[]byte("234"), false}, {append(buf[:0:0], buf...), false}} {
		if got := jsondecode.RawWithin(c.sub, buf); got != c.want {
			t.Errorf("RawWithin(%q) = %v, want %v", c.sub, got, c.want)
		}
	}
}
