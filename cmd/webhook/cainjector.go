package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// caInjector keeps the caBundle of pave's webhook configurations equal to the
// trusted bundle pave keeps (the self-signed CA's file, or the managed
// Secret's ca.crt), as cert-manager's cainjector does for its certificates.
// It polls: there are two objects and nothing else to watch.
type caInjector struct {
	client client.Client
	name   string
	bundle func(context.Context) ([]byte, error)
	log    logr.Logger
	// leader: only the leader injects (managed certificates); a single
	// self-signed process injects its own.
	leader bool
}

// Start implements manager.Runnable.
func (c *caInjector) Start(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if err := c.inject(ctx); err != nil {
			c.log.Error(err, "caBundle not injected; retrying")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// NeedLeaderElection implements manager.LeaderElectionRunnable.
func (c *caInjector) NeedLeaderElection() bool { return c.leader }

func (c *caInjector) inject(ctx context.Context) error {
	ca, err := c.bundle(ctx)
	if err != nil {
		return err
	}
	m := &admissionregistrationv1.MutatingWebhookConfiguration{}
	err = c.set(ctx, m, ca, func() (out []*[]byte) {
		for i := range m.Webhooks {
			out = append(out, &m.Webhooks[i].ClientConfig.CABundle)
		}
		return out
	})
	if err != nil {
		return err
	}
	v := &admissionregistrationv1.ValidatingWebhookConfiguration{}
	return c.set(ctx, v, ca, func() (out []*[]byte) {
		for i := range v.Webhooks {
			out = append(out, &v.Webhooks[i].ClientConfig.CABundle)
		}
		return out
	})
}

// set reads obj, points every caBundle it holds at ca, and updates it if that
// changed anything. A configuration that does not exist yet is no error.
func (c *caInjector) set(ctx context.Context, obj client.Object, ca []byte, bundles func() []*[]byte) error {
	if err := c.client.Get(ctx, client.ObjectKey{Name: c.name}, obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	changed := false
	for _, b := range bundles() {
		if !bytes.Equal(*b, ca) {
			*b, changed = ca, true
		}
	}
	if !changed {
		return nil
	}
	if err := c.client.Update(ctx, obj); err != nil {
		return err
	}
	c.log.Info("caBundle injected", "kind", fmt.Sprintf("%T", obj), "name", c.name)
	return nil
}
