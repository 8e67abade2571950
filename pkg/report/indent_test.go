package report

import (
	"encoding/json"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/policy"
)

// The report's objects are encoded exactly as json.MarshalIndent encodes
// them, HTML-safe escapes, empty lists and all.
func TestMarshalIndentIsEncodingJSONs(t *testing.T) {
	for _, o := range []check.Object{
		{},
		{Source: "a <b> & c.yaml", Line: 3, APIVersion: "apps/v1", Kind: "Deployment", Name: "web", Namespace: "shop", Workload: true,
			Mutators: []string{}, Violations: []policy.Violation{{Rule: "pss/privileged", Field: "spec.containers[0]", Message: "é \u2028 \"quoted\"", Fix: "<none>", Preexisting: true}},
			Warnings: []string{"tab\there"}, UnknownFields: []string{`unknown field "spec.x"`}, Companions: []string{"NetworkPolicy shop/pave-web"},
			Rendered: json.RawMessage(`{"kind": "Deployment"}`)},
	} {
		want, err := json.MarshalIndent(o, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalIndent(o, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	}
}
