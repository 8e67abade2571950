package validators

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// LiteralSecrets finds secrets written into env values, commands and
// arguments, where anyone who can read the workload (or its Git history) can
// read them. How a secret is told is in secretshape.go.
type LiteralSecrets struct{}

var ruleLiteralSecret = policy.Rule{ID: "no-literal-secrets", Severity: v1alpha1.SeverityCritical, Mode: v1alpha1.ModeEnforce,
	Description: "secrets come from Secrets (valueFrom.secretKeyRef), never literal env values, commands or arguments"}

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
			if why := secretVar(e.Name, e.Value); why != "" {
				out = append(out, ruleLiteralSecret.Violation(at.Field(fmt.Sprintf("env[%d].value", i)),
					fmt.Sprintf("container %q: env %s holds a literal secret (%s)", c.Name, e.Name, why),
					fmt.Sprintf("store the value in a Secret and use valueFrom.secretKeyRef (in a pave service spec: `- name: %s` with `secret: <secret-name>`)", e.Name)))
			}
		}
		for _, list := range []struct {
			name string
			args []string
		}{{"command", c.Command}, {"args", c.Args}} {
			for i := range list.args {
				if why := secretArg(list.args, i); why != "" {
					out = append(out, ruleLiteralSecret.Violation(at.Field(fmt.Sprintf("%s[%d]", list.name, i)),
						fmt.Sprintf("container %q: %s[%d] holds a literal secret (%s)", c.Name, list.name, i, why),
						"pass the secret through the environment: env with valueFrom.secretKeyRef, then refer to it as $(NAME) in the arguments, or read it from a mounted Secret file"))
				}
			}
		}
	})
	return out
}
