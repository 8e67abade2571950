package webhook

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/internal/jsonquote"
)

// appendReview appends to b json.Marshal of the AdmissionReview around
// resp, written directly for the answers nearly every request gets
// (allowed or not, with or without a patch, a status of a code, message
// and reason as controller-runtime's helpers make it, no warnings or audit
// annotations, plain strings): encoding/json's reflection over the review
// and the patch's base64 was a tenth of a mutation. Anything else goes
// through json.Marshal. TestAppendReviewIsJSONMarshal holds the two to the
// same bytes.
func appendReview(b []byte, resp *admissionv1.AdmissionResponse) ([]byte, error) {
	if !simpleStatus(resp.Result) || len(resp.AuditAnnotations) > 0 || len(resp.Warnings) > 0 || !jsonquote.Plain(string(resp.UID)) ||
		resp.PatchType != nil && !jsonquote.Plain(string(*resp.PatchType)) {
		ar := admissionv1.AdmissionReview{Response: resp}
		ar.APIVersion, ar.Kind = admissionv1.SchemeGroupVersion.String(), "AdmissionReview"
		js, err := json.Marshal(ar)
		return append(b, js...), err
	}
	const head = `{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"`
	b = slices.Grow(b, len(head)+len(resp.UID)+base64.StdEncoding.EncodedLen(len(resp.Patch))+256)
	b = append(b, head...)
	b = append(b, resp.UID...)
	b = append(b, `","allowed":`...)
	b = strconv.AppendBool(b, resp.Allowed)
	if r := resp.Result; r != nil {
		b = append(b, `,"status":{"metadata":{}`...)
		if r.Message != "" {
			b = append(append(append(b, `,"message":"`...), r.Message...), '"')
		}
		if r.Reason != "" {
			b = append(append(append(b, `,"reason":"`...), r.Reason...), '"')
		}
		if r.Code != 0 {
			b = strconv.AppendInt(append(b, `,"code":`...), int64(r.Code), 10)
		}
		b = append(b, '}')
	}
	if len(resp.Patch) > 0 {
		b = append(b, `,"patch":"`...)
		b = base64.StdEncoding.AppendEncode(b, resp.Patch)
		b = append(b, '"')
	}
	if resp.PatchType != nil {
		b = append(b, `,"patchType":"`...)
		b = append(b, *resp.PatchType...)
		b = append(b, '"')
	}
	return append(b, "}}"...), nil
}

// simpleStatus reports whether r is nil or holds a code, a message and a
// reason, plain, and nothing else.
func simpleStatus(r *metav1.Status) bool {
	return r == nil || r.TypeMeta == (metav1.TypeMeta{}) && r.ListMeta == (metav1.ListMeta{}) && r.Status == "" && r.Details == nil &&
		jsonquote.Plain(r.Message) && jsonquote.Plain(string(r.Reason))
}
