package webhook

import (
	"net/http"
	"time"
)

// WithReadDeadline bounds how long a request's body may take to arrive. The
// admission server bounds headers (controller-runtime: 32s) but not bodies, so
// a client that trickles a body one byte at a time would hold a connection
// and a goroutine for ever. The deadline covers the read only; the handler's
// own deadline bounds the work.
func WithReadDeadline(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A ResponseWriter that cannot set deadlines (a test recorder) just
		// serves without one.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		h.ServeHTTP(w, r)
	})
}
