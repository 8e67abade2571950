package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/certs"
	"github.com/pave-dev/pave/pkg/metrics"
)

// certKeeper, on the leading controller, keeps the CA and serving
// certificate in the Secret current (certs.Rotation.Next), with an event on
// the Secret for every step.
type certKeeper struct {
	client   client.Client
	key      client.ObjectKey
	rotation certs.Rotation
	recorder record.EventRecorder
	metrics  *metrics.Pave
	log      logr.Logger
}

// Start implements manager.Runnable; it needs the leader.
func (k *certKeeper) Start(ctx context.Context) error {
	for {
		wait, err := k.step(ctx)
		if err != nil {
			k.log.Error(err, "certificate Secret not kept; retrying", "secret", k.key)
			wait = 5 * time.Second
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(min(wait, time.Minute)):
		}
	}
}

func (k *certKeeper) step(ctx context.Context) (time.Duration, error) {
	var s corev1.Secret
	err := k.client.Get(ctx, k.key, &s)
	if err != nil && !apierrors.IsNotFound(err) {
		return 0, err
	}
	exists := err == nil
	data, what, wait, err := k.rotation.Next(s.Data, time.Now())
	if err != nil {
		return 0, err
	}
	if what != "" {
		s.Name, s.Namespace, s.Type, s.Data = k.key.Name, k.key.Namespace, corev1.SecretTypeOpaque, data
		if exists {
			err = k.client.Update(ctx, &s)
		} else {
			err = k.client.Create(ctx, &s)
		}
		if err != nil {
			return 0, fmt.Errorf("write %s: %w", k.key, err)
		}
		k.log.Info("certificates: "+what, "secret", k.key)
		k.recorder.Event(&s, corev1.EventTypeNormal, "CertificateRotated", what)
	}
	if c, err := certs.ParseCert(data[certs.KeyCert]); err == nil {
		k.metrics.CertificateExpires(c.NotAfter)
	}
	return wait, nil
}

// NeedLeaderElection implements manager.LeaderElectionRunnable.
func (k *certKeeper) NeedLeaderElection() bool { return true }

// certLoader, on every admission replica, copies the serving certificate
// from the Secret into --cert-dir, where the webhook server's certificate
// watcher picks it up. It reads the API server rather than a mounted
// volume, so a rotation reaches it within a poll, not the kubelet's sync.
type certLoader struct {
	client  client.Reader
	key     client.ObjectKey
	dir     string
	every   time.Duration
	metrics *metrics.Pave
	log     logr.Logger
}

// initial waits until the Secret holds a certificate and writes it: the
// webhook server cannot start without one.
func (l *certLoader) initial(ctx context.Context) error {
	for {
		err := l.load(ctx)
		if err == nil {
			return nil
		}
		l.log.Info("waiting for the certificate Secret (the controller writes it)", "secret", l.key, "reason", err.Error())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// Start implements manager.Runnable.
func (l *certLoader) Start(ctx context.Context) error {
	poll(ctx, l.every, func() {
		if err := l.load(ctx); err != nil {
			l.log.Error(err, "certificate not reloaded; the current one stays", "secret", l.key)
		}
	})
	return nil
}

// poll runs f every interval until ctx ends.
func poll(ctx context.Context, every time.Duration, f func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: every
// replica serves.
func (l *certLoader) NeedLeaderElection() bool { return false }

func (l *certLoader) load(ctx context.Context) error {
	var s corev1.Secret
	if err := l.client.Get(ctx, l.key, &s); err != nil {
		return err
	}
	cert, key := s.Data[certs.KeyCert], s.Data[certs.KeyKey]
	if len(cert) == 0 || len(key) == 0 {
		return errors.New("no tls.crt and tls.key yet")
	}
	have, _ := os.ReadFile(filepath.Join(l.dir, certs.KeyCert))
	if bytes.Equal(have, cert) {
		return nil
	}
	b := certs.Bundle{CACert: s.Data[certs.KeyBundle], ServingCert: cert, ServingKey: key}
	if err := b.Write(l.dir); err != nil {
		return fmt.Errorf("write %s: %w", l.dir, err)
	}
	if c, err := certs.ParseCert(cert); err == nil {
		l.metrics.CertificateExpires(c.NotAfter)
		l.log.Info("serving certificate loaded", "notAfter", c.NotAfter.Format(time.RFC3339), "issuer", c.Issuer.CommonName)
	}
	return nil
}

// certFileWatch follows the serving certificate in a directory someone else
// keeps (cert-manager's Secret, updated by the kubelet): the webhook server
// reloads the files itself; this keeps pave_certificate_expiry_timestamp_seconds
// on the certificate being served, so the expiry alerts see each renewal.
type certFileWatch struct {
	dir     string
	every   time.Duration
	metrics *metrics.Pave
	log     logr.Logger
	// served is the expiry of the certificate last read.
	served time.Time
}

// check reads the certificate and records a new expiry.
func (w *certFileWatch) check() {
	data, err := os.ReadFile(filepath.Join(w.dir, certs.KeyCert))
	if err != nil {
		return // not there yet; the server waits for it too
	}
	c, err := certs.ParseCert(data)
	if err != nil {
		w.log.Error(err, "serving certificate unreadable", "dir", w.dir)
		return
	}
	if c.NotAfter.Equal(w.served) {
		return
	}
	if !w.served.IsZero() {
		w.log.Info("serving certificate renewed", "notAfter", c.NotAfter.Format(time.RFC3339), "issuer", c.Issuer.CommonName)
	}
	w.served = c.NotAfter
	w.metrics.CertificateExpires(c.NotAfter)
}

// Start implements manager.Runnable.
func (w *certFileWatch) Start(ctx context.Context) error {
	poll(ctx, w.every, w.check)
	return nil
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: every
// replica serves its own files.
func (w *certFileWatch) NeedLeaderElection() bool { return false }

// secretBundle reads the trusted bundle from the Secret, for the injector.
func secretBundle(c client.Reader, key client.ObjectKey) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		var s corev1.Secret
		if err := c.Get(ctx, key, &s); err != nil {
			return nil, err
		}
		if len(s.Data[certs.KeyBundle]) == 0 {
			return nil, fmt.Errorf("%s has no %s yet", key, certs.KeyBundle)
		}
		return s.Data[certs.KeyBundle], nil
	}
}
