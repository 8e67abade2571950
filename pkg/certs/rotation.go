package certs

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"
	"time"
)

// The keys of the Secret that holds pave's certificates: the names
// controller-runtime's webhook server and cert-manager use, plus the CA's.
const (
	KeyBundle = "ca.crt" // every CA the webhook configurations trust
	KeyCACert = "ca-current.crt"
	KeyCAKey  = "ca.key"
	KeyCert   = "tls.crt"
	KeyKey    = "tls.key"
	// KeyPhase and KeySince record a CA rotation in progress.
	KeyPhase = "rotation-phase"
	KeySince = "rotation-since"
)

// Phases of a CA rotation.
const (
	PhaseNone = ""
	// PhaseCAAdded: the new CA is trusted beside the old; serving
	// certificates are still the old CA's.
	PhaseCAAdded = "ca-added"
	// PhaseServingRolled: the serving certificate is the new CA's; the old
	// CA is still trusted while every replica reloads.
	PhaseServingRolled = "serving-rolled"
)

// Rotation says how long certificates live and how long each rotation step
// waits for the API server and every replica to catch up.
type Rotation struct {
	CALifetime, ServingLifetime time.Duration
	// Overlap is the time between steps: longer than the caBundle takes to
	// reach the webhook configurations and the Secret every replica.
	Overlap time.Duration
	Hosts   []string
}

// DefaultRotation: a CA for a year and a serving certificate for 90 days,
// each renewed with a third of its life left; 5 minutes between steps.
func DefaultRotation(hosts []string) Rotation {
	return Rotation{CALifetime: 365 * 24 * time.Hour, ServingLifetime: 90 * 24 * time.Hour, Overlap: 5 * time.Minute, Hosts: hosts}
}

// Next is one step of keeping the certificates in data (the Secret's data)
// current at now. It returns the new data, what it did ("" for nothing),
// and when to look again. The steps never leave a serving certificate, old
// or new, that the trusted bundle before or after the step does not trust:
//
//  1. a CA with a third of its life left gets a successor, added to the
//     bundle (serving certificates unchanged);
//  2. after the overlap, the serving certificate is issued by the new CA;
//  3. after another overlap, the old CA leaves the bundle.
//
// A serving certificate with a third of its life left, or for other hosts,
// is reissued by the current CA outside step 1.
func (r Rotation) Next(data map[string][]byte, now time.Time) (map[string][]byte, string, time.Duration, error) {
	out := map[string][]byte{}
	for k, v := range data {
		out[k] = bytes.Clone(v)
	}
	ca, err := ParseCert(out[KeyCACert])
	if err != nil || len(out[KeyCAKey]) == 0 {
		caCert, caKey, err := NewCA("pave-ca", now, r.CALifetime)
		if err != nil {
			return nil, "", 0, err
		}
		out = map[string][]byte{KeyCACert: caCert, KeyCAKey: caKey, KeyBundle: caCert}
		if err := r.issue(out, now); err != nil {
			return nil, "", 0, err
		}
		return out, "created a CA and a serving certificate", r.Overlap, nil
	}
	phase, since := string(out[KeyPhase]), parseTime(out[KeySince])
	switch {
	case phase == PhaseCAAdded && !now.Before(since.Add(r.Overlap)):
		if err := r.issue(out, now); err != nil {
			return nil, "", 0, err
		}
		setPhase(out, PhaseServingRolled, now)
		return out, "serving certificate issued by the new CA", r.Overlap, nil
	case phase == PhaseServingRolled && !now.Before(since.Add(r.Overlap)):
		out[KeyBundle] = bytes.Clone(out[KeyCACert])
		setPhase(out, PhaseNone, now)
		return out, "old CA removed from the trusted bundle", r.wait(out, now), nil
	case phase != PhaseNone:
		return out, "", since.Add(r.Overlap).Sub(now), nil
	case ca.NotAfter.Sub(now) < r.CALifetime/3:
		caCert, caKey, err := NewCA("pave-ca", now, r.CALifetime)
		if err != nil {
			return nil, "", 0, err
		}
		out[KeyCACert], out[KeyCAKey] = caCert, caKey
		out[KeyBundle] = append(bytes.Clone(out[KeyBundle]), caCert...)
		setPhase(out, PhaseCAAdded, now)
		return out, "new CA added to the trusted bundle", r.Overlap, nil
	}
	cert, err := ParseCert(out[KeyCert])
	if err != nil || cert.NotAfter.Sub(now) < r.ServingLifetime/3 || !sameHosts(hosts(cert), r.Hosts) {
		if err := r.issue(out, now); err != nil {
			return nil, "", 0, err
		}
		return out, "serving certificate renewed", r.wait(out, now), nil
	}
	return out, "", r.wait(out, now), nil
}

// issue signs a new serving certificate with the current CA.
func (r Rotation) issue(out map[string][]byte, now time.Time) error {
	cert, key, err := Issue(out[KeyCACert], out[KeyCAKey], r.Hosts, now, r.ServingLifetime)
	if err != nil {
		return fmt.Errorf("issue serving certificate: %w", err)
	}
	out[KeyCert], out[KeyKey] = cert, key
	return nil
}

// wait is the time until the next renewal is due, at most an hour.
func (r Rotation) wait(out map[string][]byte, now time.Time) time.Duration {
	next := time.Hour
	if ca, err := ParseCert(out[KeyCACert]); err == nil {
		next = min(next, ca.NotAfter.Add(-r.CALifetime/3).Sub(now))
	}
	if c, err := ParseCert(out[KeyCert]); err == nil {
		next = min(next, c.NotAfter.Add(-r.ServingLifetime/3).Sub(now))
	}
	return max(next, time.Second)
}

// hosts are the names and addresses a certificate covers, in the order
// Issue writes them (names as given; the order of Rotation.Hosts matters
// only between names and IPs).
func hosts(c *x509.Certificate) []string {
	out := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}

func setPhase(out map[string][]byte, phase string, now time.Time) {
	if phase == PhaseNone {
		delete(out, KeyPhase)
		delete(out, KeySince)
		return
	}
	out[KeyPhase], out[KeySince] = []byte(phase), []byte(now.UTC().Format(time.RFC3339))
}

func parseTime(b []byte) time.Time {
	t, _ := time.Parse(time.RFC3339, string(b))
	return t
}

func sameHosts(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
