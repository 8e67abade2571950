package jsonquote

import (
	"encoding/json"
	"testing"
)

// A plain string is one encoding/json writes between quotes as it is (some
// others are too, which Plain leaves to encoding/json), and the uids and
// paths of patches are plain.
func TestPlainIsWhatEncodingJSONLeaves(t *testing.T) {
	for _, s := range []string{"", "abc", "/metadata/labels/app.kubernetes.io~1name", "6f1c2f0e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"} {
		if !Plain(s) {
			t.Errorf("Plain(%q) = false", s)
		}
	}
	for _, s := range []string{"", "abc", "a/b~c", "7f3c-uid", "a\"b", `a\b`, "a<b", "a>b", "a&b", "tab\t", "é", "\u2028", "\x7f", "\x00"} {
		js, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if asIs := string(js) == `"`+s+`"`; Plain(s) && !asIs {
			t.Errorf("Plain(%q) = %v, but encoding/json writes %s", s, Plain(s), js)
		}
	}
}
