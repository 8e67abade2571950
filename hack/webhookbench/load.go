package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/pave-dev/pave/internal/benchdata"
)

// arm is one thing measured: an HTTPS endpoint and the body posted to it.
type arm struct {
	name, url string
	body      []byte
	// series, when set, numbers each request: body holds benchdata's
	// Template, and each request is renumbered.
	series *atomic.Int64
	// check judges a response in full (nil accepts any 200).
	check func(*admissionv1.AdmissionResponse) error
	// pid is the server's process, whose CPU time the arm reads.
	pid int
}

// stats are what one arm measured.
type stats struct {
	Requests  int     `json:"requests"`
	PerSecond float64 `json:"perSecond"`
	P50ms     float64 `json:"p50ms"`
	P99ms     float64 `json:"p99ms"`
	// The CPU time per request of the server process and of the load
	// generator (the webhook arms only): the server's work, apart from the
	// load generator's on the same cores.
	ServerCPUus float64 `json:"serverCPUMicrosPerRequest,omitempty"`
	ClientCPUus float64 `json:"clientCPUMicrosPerRequest,omitempty"`
}

// newClient is a keep-alive HTTPS client for c concurrent workers, as the
// API server keeps its connections to a webhook.
func newClient(c int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback benchmark
		MaxIdleConnsPerHost: c, MaxConnsPerHost: c, ForceAttemptHTTP2: false,
	}}
}

// post sends one AdmissionReview and judges the answer: in full when full is
// set, else only that it allows. Decoding every answer would charge pave's
// arms, and not the no-op's, for the load generator's work on the same cores.
func post(client *http.Client, a arm, body []byte, full bool) (time.Duration, error) {
	start := time.Now()
	resp, err := client.Post(a.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		return took, fmt.Errorf("%s: %d %v", a.name, resp.StatusCode, err)
	}
	if a.check != nil && !full {
		if !bytes.Contains(data, []byte(`"allowed":true`)) {
			return took, fmt.Errorf("%s: not allowed: %.300s", a.name, data)
		}
		return took, nil
	}
	if a.check != nil {
		var ar admissionv1.AdmissionReview
		if err := json.Unmarshal(data, &ar); err != nil || ar.Response == nil {
			return took, fmt.Errorf("%s: not an AdmissionReview: %v", a.name, err)
		}
		if err := a.check(ar.Response); err != nil {
			return took, fmt.Errorf("%s: %w", a.name, err)
		}
	}
	return took, nil
}

// hammer posts the arm's bodies in turn from c workers for d and returns
// every latency. Each worker's first answer is judged in full.
func hammer(client *http.Client, a arm, c int, d time.Duration) ([]time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				body := a.body
				if a.series != nil {
					body = benchdata.Renumber(body, int(a.series.Add(1)))
				}
				took, err := post(client, a, body, len(mine) == 0)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, took)
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, firstErr
}

// summarize turns the latencies of several rounds of d each into stats.
func summarize(lat []time.Duration, total time.Duration) stats {
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	return stats{Requests: len(lat), PerSecond: float64(len(lat)) / total.Seconds(), P50ms: q(0.50), P99ms: q(0.99)}
}
