package webhook

import (
	"bytes"
	"encoding/json"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// appendReview writes what json.Marshal writes for every kind of answer:
// those it writes itself and those it hands on.
func TestAppendReviewIsJSONMarshal(t *testing.T) {
	jsonPatch, other := admissionv1.PatchTypeJSONPatch, admissionv1.PatchType(`Odd"Type`)
	for name, resp := range map[string]admissionv1.AdmissionResponse{
		"allowed":                       {UID: "6f1c2f0e-8a4b-4c3d-9e2f-1a2b3c4d5e6f", Allowed: true},
		"denied, no status":             {UID: "u", Allowed: false},
		"no uid":                        {Allowed: true},
		"patch":                         {UID: "u", Allowed: true, Patch: []byte(`[{"op":"add","path":"/a","value":"<&>"}]`), PatchType: &jsonPatch},
		"patch, 1 byte":                 {UID: "u", Allowed: true, Patch: []byte("a"), PatchType: &jsonPatch},
		"patch, 2 bytes":                {UID: "u", Allowed: true, Patch: []byte("ab"), PatchType: &jsonPatch},
		"patch, 3 bytes":                {UID: "u", Allowed: true, Patch: []byte("abc")},
		"empty patch":                   {UID: "u", Allowed: true, Patch: []byte{}},
		"odd patch type":                {UID: "u", Allowed: true, Patch: []byte("x"), PatchType: &other},
		"odd uid":                       {UID: types.UID("a\"b<c>\u2028"), Allowed: true},
		"status":                        {UID: "u", Result: &metav1.Status{Code: 403, Message: "denied: <x> & y", Reason: metav1.StatusReasonForbidden}},
		"allowed, as admission.Allowed": {UID: "u", Allowed: true, Result: &metav1.Status{Code: 200, Message: "pave: labels, sidecar"}},
		"denied, as admission.Denied":   {UID: "u", Result: &metav1.Status{Code: 403, Reason: metav1.StatusReasonForbidden, Message: "pave denied Deployment shop/api (2 violations)"}},
		"patched, as pave's /mutate":    {UID: "u", Allowed: true, Result: &metav1.Status{Code: 200, Message: "pave: labels"}, Patch: []byte(`[]`), PatchType: &jsonPatch},
		"status with details":           {UID: "u", Result: &metav1.Status{Code: 403, Details: &metav1.StatusDetails{Name: "x"}}},
		"status with a status":          {UID: "u", Result: &metav1.Status{Code: 500, Status: metav1.StatusFailure}},
		"status, empty":                 {UID: "u", Result: &metav1.Status{}},
		"warnings":                      {UID: "u", Allowed: true, Warnings: []string{"one", "two <b>"}},
		"audit annotations":             {UID: "u", Allowed: true, AuditAnnotations: map[string]string{"b": "2", "a": "1"}},
	} {
		ar := admissionv1.AdmissionReview{Response: &resp}
		ar.APIVersion, ar.Kind = admissionv1.SchemeGroupVersion.String(), "AdmissionReview"
		want, err := json.Marshal(ar)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendReview([]byte("lent"), &resp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, ok := bytes.CutPrefix(got, []byte("lent"))
		if !ok {
			t.Fatalf("%s: appendReview lost what its buffer held: %s", name, got)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}
