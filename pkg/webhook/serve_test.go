package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/webhook"
)

// Serve answers AdmissionReviews as the API server expects: the request's
// uid, a JSON patch with its type, denials with their message and code;
// bad requests and panics are error answers, never dropped connections.
func TestServeAnswersReviews(t *testing.T) {
	m, v := handlers(t)
	raw, err := yaml.YAMLToJSON([]byte(manyContainers(1)))
	if err != nil {
		t.Fatal(err)
	}
	body := review(t, "CREATE", "", raw)
	call := func(h http.Handler, contentType string, body []byte) (*http.Response, admissionv1.AdmissionReview) {
		t.Helper()
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := http.Post(srv.URL, contentType, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ar admissionv1.AdmissionReview
		if err := json.NewDecoder(resp.Body).Decode(&ar); err != nil || ar.Response == nil || ar.Kind != "AdmissionReview" || ar.APIVersion != "admission.k8s.io/v1" {
			t.Fatalf("not an AdmissionReview: %+v %v", ar, err)
		}
		return resp, ar
	}
	_, ar := call(webhook.Serve(m, logr.Discard()), "application/json", body)
	if !ar.Response.Allowed || ar.Response.UID == "" || ar.Response.PatchType == nil || *ar.Response.PatchType != admissionv1.PatchTypeJSONPatch || len(ar.Response.Patch) == 0 {
		t.Errorf("mutate: %+v", ar.Response)
	}
	_, ar = call(webhook.Serve(v, logr.Discard()), "application/json", body)
	if ar.Response.Allowed || ar.Response.Result.Code != http.StatusForbidden || !strings.Contains(ar.Response.Result.Message, "pave denied") {
		t.Errorf("validate: %+v", ar.Response)
	}
	for name, c := range map[string]struct {
		contentType, body, want string
	}{
		"content type": {"text/plain", string(body), "expected application/json"},
		"not JSON":     {"application/json", "{", "decode the AdmissionReview"},
		"v1beta1":      {"application/json", strings.Replace(string(body), "admission.k8s.io/v1", "admission.k8s.io/v1beta1", 1), "admissionReviewVersions: [v1]"},
		"no request":   {"application/json", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, "has no request"},
		"too large":    {"application/json", strings.Repeat(" ", webhook.MaxRequestBytes+1), "too large"},
	} {
		_, ar := call(webhook.Serve(v, logr.Discard()), c.contentType, []byte(c.body))
		if ar.Response.Allowed || ar.Response.Result.Code != http.StatusBadRequest || !strings.Contains(ar.Response.Result.Message, c.want) {
			t.Errorf("%s: %+v", name, ar.Response.Result)
		}
	}
	boom := admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { panic("boom") })
	_, ar = call(webhook.Serve(boom, logr.Discard()), "application/json", body)
	if ar.Response.Allowed || ar.Response.Result.Code != http.StatusInternalServerError || ar.Response.UID == "" {
		t.Errorf("panic: %+v", ar.Response)
	}
}
