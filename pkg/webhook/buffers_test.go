package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// Serve lends its buffers from request to request: concurrent requests of
// different sizes each get the answer made of their own request, never
// bytes of another's, over HTTP/1 and HTTP/2.
func TestServeLendsBuffersWithoutCrosstalk(t *testing.T) {
	// The handler's patch is the request's object, so an answer carries
	// back what its request brought.
	echo := admission.HandlerFunc(func(_ context.Context, req admission.Request) admission.Response {
		return admission.PatchResponseFromRaw([]byte(`{}`), req.Object.Raw)
	})
	for _, h2 := range []bool{false, true} {
		srv := httptest.NewUnstartedServer(Serve(echo, logr.Discard()))
		srv.EnableHTTP2 = h2
		srv.StartTLS()
		client := srv.Client()
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 50 {
					uid := fmt.Sprintf("w%d-%d", w, i)
					obj := fmt.Sprintf(`{"uid":%q,"pad":%q}`, uid, strings.Repeat(uid, (w*7+i)%40*20))
					ar := admissionv1.AdmissionReview{Request: &admissionv1.AdmissionRequest{UID: types.UID(uid)}}
					ar.APIVersion, ar.Kind = "admission.k8s.io/v1", "AdmissionReview"
					ar.Request.Object.Raw = []byte(obj)
					body, _ := json.Marshal(ar)
					resp, err := client.Post(srv.URL, "application/json", bytes.NewReader(body))
					if err != nil {
						t.Error(err)
						return
					}
					var got admissionv1.AdmissionReview
					err = json.NewDecoder(resp.Body).Decode(&got)
					resp.Body.Close()
					if err != nil || got.Response == nil {
						t.Errorf("%s: answer: %v", uid, err)
						return
					}
					if string(got.Response.UID) != uid || !bytes.Contains(got.Response.Patch, []byte(strings.Repeat(uid, (w*7+i)%40*20))) {
						t.Errorf("%s (HTTP/2 %v): answer for %s, patch %s", uid, h2, got.Response.UID, got.Response.Patch[:min(len(got.Response.Patch), 80)])
					}
				}
			})
		}
		wg.Wait()
		srv.Close()
	}
}

// A buffer beyond maxLentBuffer is not lent again.
func TestBuffersLetLargeOnesGo(t *testing.T) {
	var b buffers
	b.put(make([]byte, 0, maxLentBuffer+1))
	if got := b.get(0); cap(got) > maxLentBuffer {
		t.Errorf("lent a buffer of %d bytes again", cap(got))
	}
	if got := b.get(100); len(got) != 0 || cap(got) < 100 {
		t.Errorf("get(100) = len %d cap %d", len(got), cap(got))
	}
}

// readReview leaves the request's objects in the body it read them into
// (no copy), and hands the body back for Serve to lend again after the
// answer.
func TestReviewObjectsAreReadInPlace(t *testing.T) {
	if !jsondecode.Remembers {
		t.Skip("built without json v2: the objects are copies")
	}
	in := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"kind":"Deployment"},"oldObject":{"kind":"Deployment","x":1}}}`
	r := httptest.NewRequest("POST", "/", strings.NewReader(in))
	r.Header.Set("Content-Type", "application/json")
	var bufs buffers
	req, body, err := readReview(r, &bufs, jsondecode.New(jsondecode.RawInPlace()))
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != in {
		t.Fatalf("body %q", body)
	}
	if !jsondecode.RawWithin(req.Object.Raw, body) || !jsondecode.RawWithin(req.OldObject.Raw, body) ||
		string(req.Object.Raw) != `{"kind":"Deployment"}` || string(req.OldObject.Raw) != `{"kind":"Deployment","x":1}` {
		t.Fatalf("objects %q and %q, not the body's own", req.Object.Raw, req.OldObject.Raw)
	}
}
