package certs_test

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/certs"
)

// trusts reports whether the bundle verifies the serving certificate for
// the first host: what the API server does on every admission call.
func trusts(t *testing.T, bundle, cert []byte, host string, now time.Time) bool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(bundle) {
		t.Fatal("the bundle holds no certificate")
	}
	c, err := certs.ParseCert(cert)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, CurrentTime: now})
	return err == nil
}

// Two years of rotations, stepped as the controller would: at every step,
// the bundle before and the bundle after both trust the serving certificate
// before and the one after. A replica that has not yet reloaded, and an API
// server that has not yet seen the new caBundle, never fail a request.
func TestRotationNeverBreaksTrust(t *testing.T) {
	r := certs.DefaultRotation([]string{"pave-webhook.pave-system.svc", "127.0.0.1"})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := now.Add(2 * 365 * 24 * time.Hour)
	data := map[string][]byte{}
	did := map[string]int{}
	for steps := 0; now.Before(end); steps++ {
		if steps > 40000 {
			t.Fatal("no progress")
		}
		next, what, wait, err := r.Next(data, now)
		if err != nil {
			t.Fatal(err)
		}
		if what != "" {
			did[what]++
			if len(data) > 0 {
				host := r.Hosts[0]
				for _, bundle := range [][]byte{data[certs.KeyBundle], next[certs.KeyBundle]} {
					for _, cert := range [][]byte{data[certs.KeyCert], next[certs.KeyCert]} {
						if !trusts(t, bundle, cert, host, now) {
							t.Fatalf("%s at %s: a serving certificate in use is not trusted by a bundle in use", what, now)
						}
					}
				}
			}
		}
		if wait <= 0 {
			t.Fatalf("%s: wait %s", what, wait)
		}
		data, now = next, now.Add(wait)
	}
	// A year's CA renewed twice in two years (at two thirds of its life),
	// each in three steps; serving certificates renewed every 60 days.
	for what, min := range map[string]int{"new CA added to the trusted bundle": 2, "serving certificate issued by the new CA": 2,
		"old CA removed from the trusted bundle": 2, "serving certificate renewed": 8} {
		if did[what] < min {
			t.Errorf("%q happened %d times, want at least %d (all: %v)", what, did[what], min, did)
		}
	}
}

// New hosts get a new serving certificate at once.
func TestRotationReissuesForNewHosts(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := certs.DefaultRotation([]string{"a.svc"})
	data, _, _, err := r.Next(nil, now)
	if err != nil {
		t.Fatal(err)
	}
	r.Hosts = []string{"a.svc", "b.svc"}
	next, what, _, err := r.Next(data, now.Add(time.Minute))
	if err != nil || what != "serving certificate renewed" || !trusts(t, next[certs.KeyBundle], next[certs.KeyCert], "b.svc", now) {
		t.Fatalf("did %q (%v)", what, err)
	}
}
