package webhook

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// EnvSource builds the engine's environment for a request from a cached
// client: namespace labels and exceptions come from informers, never from a
// live GET per request.
type EnvSource struct {
	// Reader must be a cache-backed client.
	Reader client.Reader
	// Now is the clock exceptions are judged by.
	Now func() time.Time
}

// Env returns the environment of a request under the given policy. Exceptions
// are read only when asked for: mutation never consults them, and the mutating
// webhook is on every workload's admission path.
func (s EnvSource) Env(ctx context.Context, req admission.Request, p *policy.Policy, exceptions bool) (policy.Env, error) {
	env := policy.Env{
		Namespace: policy.Namespace{Name: req.Namespace},
		User:      policy.User{Name: req.UserInfo.Username, Groups: req.UserInfo.Groups},
		Now:       s.Now(),
	}
	if req.Namespace != "" {
		var ns corev1.Namespace
		if err := s.Reader.Get(ctx, client.ObjectKey{Name: req.Namespace}, &ns); err != nil {
			return env, fmt.Errorf("read namespace %s: %w", req.Namespace, err)
		}
		env.Namespace.Labels = ns.Labels
	}
	if !exceptions {
		return env, nil
	}
	for _, ns := range p.Spec.Exceptions.Namespaces {
		var list v1alpha1.PolicyExceptionList
		if err := s.Reader.List(ctx, &list, client.InNamespace(ns)); err != nil {
			return env, fmt.Errorf("list PolicyExceptions in %s: %w", ns, err)
		}
		env.Exceptions = append(env.Exceptions, list.Items...)
	}
	return env, nil
}
