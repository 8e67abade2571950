package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// MaxRequestBytes bounds an AdmissionReview's body, as controller-runtime
// does (7 MiB: the API server's object limit and the review around it).
const MaxRequestBytes = 7 * 1024 * 1024

// Serve answers admission.k8s.io/v1 AdmissionReviews with h: what
// controller-runtime's admission.Webhook does, decoding with encoding/json
// instead of the API machinery's universal deserializer (which decodes
// case-sensitively through a second JSON implementation and guesses the
// version: a fifth of a validation's cost on the request path), and with
// no logger built per request. pave's webhook configurations ask for v1
// reviews only. A panic in h is an error answer, not a dropped connection.
func Serve(h admission.Handler, log logr.Logger) http.Handler {
	var bufs buffers
	lender, lends := h.(patchLender)
	reviews := jsondecode.New(jsondecode.RawInPlace())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp admission.Response
		req, body, err := readReview(r, &bufs, reviews)
		if err != nil {
			log.Error(err, "bad admission request")
			resp = admission.Errored(http.StatusBadRequest, err)
		} else {
			resp = handle(h, r, req, log)
		}
		writeReview(w, resp, log, &bufs)
		// The request's objects were read in place: the body is lent
		// again only now that the handler is done with them.
		bufs.put(body)
		if lends {
			lender.givePatchBack(resp.Patch) // the answer holds a copy (base64)
		}
	})
}

// patchLender is a handler whose answers' patches are lent (Mutate): Serve
// gives each back once it has been written into the answer.
type patchLender interface{ givePatchBack(patch []byte) }

// readReview reads and decodes the review in a buffer lent by bufs, which
// it returns (as grown, nil if none) for the caller to give back once done
// with the request: the request's object and old object are the buffer's
// own bytes (jsondecode.RawInPlace), not copies; all else it holds is.
func readReview(r *http.Request, bufs *buffers, reviews *jsondecode.Decoder) (admission.Request, []byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return admission.Request{}, nil, errors.New("request body is empty")
	}
	defer r.Body.Close()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return admission.Request{}, nil, fmt.Errorf("contentType=%s, expected application/json", ct)
	}
	// Sized by the request's length, which the API server sends: io.ReadAll
	// grows from 512 bytes, five copies for a 4 KB review.
	size := r.ContentLength
	if size < 0 || size > MaxRequestBytes {
		size = 0
	}
	buf := bytes.NewBuffer(bufs.get(int(size) + bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, MaxRequestBytes+1)); err != nil {
		return admission.Request{}, buf.Bytes(), fmt.Errorf("read the request: %w", err)
	}
	body := buf.Bytes()
	if len(body) > MaxRequestBytes {
		return admission.Request{}, body, fmt.Errorf("request entity is too large; limit is %d bytes", MaxRequestBytes)
	}
	var ar admissionv1.AdmissionReview
	if err := reviews.Unmarshal(body, &ar); err != nil {
		return admission.Request{}, body, fmt.Errorf("decode the AdmissionReview: %w", err)
	}
	if ar.Request == nil {
		return admission.Request{}, body, errors.New("the AdmissionReview has no request")
	}
	if ar.APIVersion != admissionv1.SchemeGroupVersion.String() || ar.Kind != "AdmissionReview" {
		return admission.Request{}, body, fmt.Errorf("%s %s: pave reads admission.k8s.io/v1 AdmissionReviews (set admissionReviewVersions: [v1])", ar.APIVersion, ar.Kind)
	}
	req := admission.Request{AdmissionRequest: *ar.Request}
	req.Object.Raw, req.OldObject.Raw = jsondecode.OwnBytes(req.Object.Raw, body), jsondecode.OwnBytes(req.OldObject.Raw, body)
	return req, body, nil
}

func handle(h admission.Handler, r *http.Request, req admission.Request, log logr.Logger) (resp admission.Response) {
	defer func() {
		if p := recover(); p != nil {
			log.Error(fmt.Errorf("%v", p), "panic while judging a request", "uid", req.UID)
			resp = admission.Errored(http.StatusInternalServerError, fmt.Errorf("pave failed on this request (uid %s); it is logged", req.UID))
			resp.UID = req.UID
		}
	}()
	resp = h.Handle(r.Context(), req)
	if err := resp.Complete(req); err != nil {
		resp = admission.Errored(http.StatusInternalServerError, err)
		resp.UID = req.UID
	}
	return resp
}

func writeReview(w http.ResponseWriter, resp admission.Response, log logr.Logger, bufs *buffers) {
	body, err := appendReview(bufs.get(0), &resp.AdmissionResponse) // grown to the answer's size there
	if err != nil {
		log.Error(err, "encode the admission response")
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	// One write with its length: a streamed answer larger than net/http's
	// buffer (a mutation's patch) goes out chunked, in more TLS records.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if _, err := w.Write(body); err != nil {
		// Not lent again: a write that failed may still hold it (net/http's
		// HTTP/2 frame to a stream or connection that went away).
		log.Error(err, "write the admission response")
		return
	}
	bufs.put(body) // copied or sent
}
