package validators

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// LifecycleHook warns of a lifecycle hook written as tcpSocket. The API
// keeps that field for compatibility only and validates it as a probe's, so
// the API server takes it; the kubelet runs exec, httpGet and sleep hooks
// and fails any other ("Cannot run handler", pkg/kubelet/lifecycle in
// Kubernetes 1.37). A postStart hook that fails kills its container, so the
// pods restart without end; a preStop hook that fails is skipped, so the
// drain it was written for never happens. Which hook was meant is the
// team's to say, so pave warns and changes nothing.
type LifecycleHook struct{}

var ruleLifecycleHook = policy.Rule{ID: "lifecycle-hook", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a lifecycle hook is one the kubelet runs: exec, httpGet or sleep (a tcpSocket hook is taken by the API server and fails every time)"}

// Name implements engine.Validator.
func (LifecycleHook) Name() string { return "lifecycle-hook" }

// Rules implements engine.Validator.
func (LifecycleHook) Rules() []policy.Rule { return []policy.Rule{ruleLifecycleHook} }

// Validate implements engine.Validator. Only native sidecars among the init
// containers may have hooks, and ephemeral containers none: the API server
// refuses the rest.
func (LifecycleHook) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if c.Lifecycle == nil {
			return
		}
		if h := c.Lifecycle.PostStart; h != nil && h.TCPSocket != nil {
			out = append(out, tcpSocketHook(at.Field("lifecycle.postStart.tcpSocket"), c.Name, "postStart",
				"the kubelet kills the container as it starts, and its pods restart without end"))
		}
		if h := c.Lifecycle.PreStop; h != nil && h.TCPSocket != nil {
			out = append(out, tcpSocketHook(at.Field("lifecycle.preStop.tcpSocket"), c.Name, "preStop",
				"the container is stopped at once, without the wait or drain the hook was written for"))
		}
	})
	return out
}

func tcpSocketHook(field, container, hook, effect string) policy.Violation {
	return ruleLifecycleHook.Violation(field,
		fmt.Sprintf("container %q: the %s hook is a tcpSocket action, which the API keeps for compatibility only: the kubelet runs exec, httpGet and sleep hooks and fails this one every time: %s", container, hook, effect),
		fmt.Sprintf("write the %s hook as exec (a command), httpGet (a path and port) or sleep (seconds to wait)", hook))
}
