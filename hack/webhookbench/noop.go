package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/certs"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

// noopServer is the floor: controller-runtime's webhook server with pave's
// TLS settings and request deadline, answering every review "allowed" with
// no work. It returns the CA that signed its certificate.
func noopServer(ctx context.Context, dir string, port int) ([]byte, error) {
	b, err := certs.SelfSigned([]string{"127.0.0.1", "localhost"}, time.Now(), 24*time.Hour)
	if err != nil {
		return nil, err
	}
	if err := b.Write(dir); err != nil {
		return nil, err
	}
	srv := webhook.NewServer(webhook.Options{Port: port, Host: "127.0.0.1", CertDir: dir,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12; c.NextProtos = []string{"http/1.1"} }}})
	allow := admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { return admission.Allowed("") })
	srv.Register("/noop", pavewebhook.WithReadDeadline(3*time.Second, (&admission.Webhook{Handler: allow}).WithRecoverPanic(true)))
	go func() { _ = srv.Start(ctx) }()
	client := newClient(1)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/noop", port)); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				return b.CACert, nil
			}
		}
	}
	return nil, fmt.Errorf("the no-op webhook server did not start on port %d", port)
}
