package validators

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// LiteralSecrets finds secrets written into env values, commands and
// arguments, where anyone who can read the workload (or its Git history) can
// read them. How a secret is told is in secretshape.go.
type LiteralSecrets struct{}

var ruleLiteralSecret = policy.Rule{ID: "no-literal-secrets", Severity: v1alpha1.SeverityCritical, Mode: v1alpha1.ModeEnforce,
	Description: "secrets come from Secrets (valueFrom.secretKeyRef), never literal env values, commands, arguments or ConfigMap data"}

// Name implements engine.Validator.
func (LiteralSecrets) Name() string { return "secrets" }

// Rules implements engine.Validator.
func (LiteralSecrets) Rules() []policy.Rule { return []policy.Rule{ruleLiteralSecret} }

// Validate implements engine.Validator.
func (LiteralSecrets) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	sidecar := cleanSidecar(env.Policy)
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		// The policy's own proxy was scanned once when it was first seen:
		// clean. Only what a copy of it adds is scanned.
		proxy := sidecar != nil && sameLiterals(c, sidecar)
		for i, e := range c.Env {
			if e.Value == "" || proxy && (i < len(sidecar.Env) || w.Kind == "Pod" && mutators.PodWiring(e)) {
				continue
			}
			if why := secretEnv(e.Name, e.Value); why != "" {
				out = append(out, ruleLiteralSecret.Violation(at.Field(fmt.Sprintf("env[%d].value", i)),
					fmt.Sprintf("container %q: env %s holds a literal secret (%s)", c.Name, e.Name, why),
					fmt.Sprintf("store the value in a Secret and use valueFrom.secretKeyRef (in a pave service spec: `- name: %s` with `secret: <secret-name>`)", e.Name)))
			}
		}
		if proxy {
			return
		}
		// The arguments are read after the command, as the process gets
		// them: a value may follow its flag across the two, and a
		// container's args are its command's program's (command: [sh, -c],
		// args: ["mysql -p..."]).
		argv := c.Command
		if len(c.Args) > 0 {
			argv = append(slices.Clip(c.Command), c.Args...)
		}
		out = argvSecrets(out, c.Name, at, argv, len(c.Command), "command", "args")
		// The commands the kubelet runs in the container: probes and hooks,
		// as readable in the spec as its own command.
		for _, h := range [...]struct {
			field   string
			handler *corev1.ExecAction
		}{
			{"readinessProbe.exec.command", probeExec(c.ReadinessProbe)}, {"livenessProbe.exec.command", probeExec(c.LivenessProbe)},
			{"startupProbe.exec.command", probeExec(c.StartupProbe)},
			{"lifecycle.postStart.exec.command", hookExec(c.Lifecycle, true)}, {"lifecycle.preStop.exec.command", hookExec(c.Lifecycle, false)},
		} {
			if h.handler != nil {
				out = argvSecrets(out, c.Name, at, h.handler.Command, len(h.handler.Command), h.field, "")
			}
		}
	})
	return out
}

// argvSecrets appends the findings of argv, a process's arguments, of
// container name: its first n are the list first, the rest the list rest.
func argvSecrets(out []policy.Violation, name string, at workload.Ref, argv []string, n int, first, rest string) []policy.Violation {
	for k := range argv {
		why := secretArg(argv, k)
		if why == "" {
			continue
		}
		list, i := first, k
		if k >= n {
			list, i = rest, k-n
		}
		out = append(out, ruleLiteralSecret.Violation(at.Field(fmt.Sprintf("%s[%d]", list, i)),
			fmt.Sprintf("container %q: %s[%d] holds a literal secret (%s)", name, list, i, why),
			"pass the secret through the environment: env with valueFrom.secretKeyRef, then refer to it as $(NAME) in the arguments, or read it from a mounted Secret file"))
	}
	return out
}

// probeExec is p's command, if it runs one.
func probeExec(p *corev1.Probe) *corev1.ExecAction {
	if p == nil {
		return nil
	}
	return p.Exec
}

// hookExec is the command of l's postStart hook (or preStop), if it runs one.
func hookExec(l *corev1.Lifecycle, postStart bool) *corev1.ExecAction {
	if l == nil {
		return nil
	}
	h := l.PreStop
	if postStart {
		h = l.PostStart
	}
	if h == nil {
		return nil
	}
	return h.Exec
}

// cleanSidecar is the policy's sidecar container when its literals (env
// values, command, arguments) hold no secret, else nil. It is found once per
// policy: the proxy is in every meshed pod, and scanning its arguments was a
// twentieth of a validation. A container with the very same literals has
// the very same findings, none.
func cleanSidecar(p *policy.Policy) *corev1.Container {
	if p == nil || p.Spec.Mesh.Sidecar.Container == nil {
		return nil
	}
	c, _ := p.Derived("validators.clean-sidecar", func() any {
		tmpl := p.Spec.Mesh.Sidecar.Container.DeepCopy()
		w := &workload.Workload{Kind: "Pod", PodSpec: &corev1.PodSpec{Containers: []corev1.Container{*tmpl}}, PodSpecPath: "spec"}
		if len(LiteralSecrets{}.Validate(context.Background(), w, policy.Env{})) > 0 {
			return (*corev1.Container)(nil)
		}
		return tmpl
	}).(*corev1.Container)
	return c
}

// sameLiterals reports whether c's command and arguments are the
// sidecar's, and its environment starts with the sidecar's. What pave's
// mutation adds after it to a Pod's proxy for Istio's agent
// (mutators.PodWiring) is a copy of the Pod's probes and metrics endpoint,
// judged where the team wrote them: the Pod of an admitted Deployment is not
// refused for the copy.
func sameLiterals(c, sidecar *corev1.Container) bool {
	if !slices.Equal(c.Command, sidecar.Command) || !slices.Equal(c.Args, sidecar.Args) || len(c.Env) < len(sidecar.Env) {
		return false
	}
	for i := range sidecar.Env {
		if c.Env[i].Name != sidecar.Env[i].Name || c.Env[i].Value != sidecar.Env[i].Value {
			return false
		}
	}
	return true
}

// Kinds implements engine.ObjectValidator: a ConfigMap is read by whoever
// may read the namespace's configuration, and envFrom turns each of its
// keys into an environment variable, so a secret in one is as exposed as a
// literal in the workload. Its webhook fails open (see
// manifests/webhook): a ConfigMap is never worth stalling a write when pave
// is down.
func (LiteralSecrets) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Version: "v1", Kind: "ConfigMap"}}
}

// ValidateObject implements engine.ObjectValidator.
func (LiteralSecrets) ValidateObject(_ context.Context, obj object, _ policy.Env) []policy.Violation {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []policy.Violation
	for _, k := range keys {
		why, setting := secretFile(k, cm.Data[k])
		if why == "" {
			continue
		}
		fix := fmt.Sprintf("move %s to a Secret (delivered from the secret store where the policy names one) and read it with secretKeyRef or envFrom.secretRef", k)
		if setting != "" {
			fix = fmt.Sprintf("set %s to a placeholder the program resolves (${%s}) from an env var read with secretKeyRef, or move %s to a Secret (delivered from the secret store where the policy names one) mounted as a volume", setting, envName(setting), k)
		}
		out = append(out, ruleLiteralSecret.Violation(fmt.Sprintf("data[%s]", k),
			fmt.Sprintf("ConfigMap %q: key %s holds a secret (%s)", cm.Name, k, why), fix))
	}
	return out
}
