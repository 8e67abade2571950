package webhook_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/pave-dev/pave/pkg/webhook"
)

// Finding 10 of issue 7: a request body that trickles in is cut off at the
// read deadline instead of holding the connection open.
func TestTrickledBodyIsTimedOut(t *testing.T) {
	_, v := handlers(t)
	srv := httptest.NewServer(webhook.WithReadDeadline(200*time.Millisecond, webhook.Serve(v, logr.Discard())))
	defer srv.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"kind\":")
	// The client never sends the rest. Without a read deadline the server
	// waits for ever; with one it answers (or closes). The client's own
	// deadline only keeps a broken server from hanging the test.
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the server still waits for the body after 30s")
		}
		return // closed: the deadline cut the connection
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		var b strings.Builder
		_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
		if !strings.Contains(b.String(), `"allowed":false`) && !strings.Contains(b.String(), "unable to read") {
			t.Fatalf("a trickled request was answered: %s", b.String())
		}
	}
}
