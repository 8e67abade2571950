package validators

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// LiteralSecrets finds secrets written into env values, where anyone who can read
// the workload (or its Git history) can read them.
type LiteralSecrets struct{}

var ruleLiteralSecret = policy.Rule{ID: "no-literal-secrets", Severity: v1alpha1.SeverityCritical, Mode: v1alpha1.ModeEnforce,
	Description: "secrets come from Secrets (valueFrom.secretKeyRef), never literal env values"}

// secretWords are name parts that mark an env var as a credential.
var secretWords = []string{"PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE"}

// Name implements engine.Validator.
func (LiteralSecrets) Name() string { return "secrets" }

// Rules implements engine.Validator.
func (LiteralSecrets) Rules() []policy.Rule { return []policy.Rule{ruleLiteralSecret} }

// Validate implements engine.Validator.
func (LiteralSecrets) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		for i, e := range c.Env {
			if e.Value == "" {
				continue
			}
			why := secretReason(e)
			if why == "" {
				continue
			}
			out = append(out, ruleLiteralSecret.Violation(at.Field(fmt.Sprintf("env[%d].value", i)),
				fmt.Sprintf("container %q: env %s holds a literal secret (%s)", c.Name, e.Name, why),
				fmt.Sprintf("store the value in a Secret and use valueFrom.secretKeyRef (in a pave service spec: `- name: %s` with `secret: <secret-name>`)", e.Name)))
		}
	})
	return out
}

// pointerWords end names that point at a secret rather than hold one
// (TOKEN_URL, SECRET_NAME, KEY_ID, PASSWORD_FILE): only their values are judged.
var pointerWords = []string{"URL", "URI", "PATH", "FILE", "DIR", "NAME", "ID", "HEADER", "ENDPOINT", "HOST", "PORT",
	"TTL", "TIMEOUT", "EXPIRY", "LENGTH", "ALGORITHM", "TYPE", "ENABLED", "REF"}

// secretReason says why an env var looks like a secret, or "" when it does not.
func secretReason(e corev1.EnvVar) string {
	parts := strings.FieldsFunc(strings.ToUpper(e.Name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(parts) > 0 && !slices.Contains(pointerWords, parts[len(parts)-1]) {
		for _, part := range parts {
			if slices.Contains(secretWords, part) {
				return fmt.Sprintf("its name contains %s", part)
			}
		}
	}
	if strings.Contains(e.Value, "-----BEGIN") && strings.Contains(e.Value, "PRIVATE KEY") {
		return "the value is a private key"
	}
	if u, err := url.Parse(e.Value); err == nil && u.Scheme != "" && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			return "the value is a connection string with a password"
		}
	}
	if strings.Contains(strings.ToLower(e.Value), "password=") {
		return "the value contains password="
	}
	return ""
}
