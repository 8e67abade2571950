package main

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/pave-dev/pave/pkg/certs"
	"github.com/pave-dev/pave/pkg/metrics"
)

// With certificates kept by someone else (cert-manager), the expiry metric
// follows the file each time it is renewed, not only the one found at start.
func TestExpiryMetricFollowsRenewedFiles(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w := &certFileWatch{dir: dir, metrics: m, log: log.Log}
	expiry := func() float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "pave_certificate_expiry_timestamp_seconds" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no pave_certificate_expiry_timestamp_seconds")
		return 0
	}
	w.check() // nothing written yet: no error, nothing recorded
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, lifetime := range []time.Duration{24 * time.Hour, 90 * 24 * time.Hour} {
		b, err := certs.SelfSigned([]string{"pave-webhook.pave-system.svc"}, now, lifetime)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Write(dir); err != nil {
			t.Fatal(err)
		}
		w.check()
		c, _ := certs.ParseCert(b.ServingCert)
		if got := expiry(); got != float64(c.NotAfter.Unix()) {
			t.Errorf("lifetime %s: metric %v, want %d", lifetime, got, c.NotAfter.Unix())
		}
	}
}
