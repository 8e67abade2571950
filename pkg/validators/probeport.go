package validators

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// ProbePort warns of a probe or lifecycle hook that names a port its
// container does not declare. The API server checks only that the name is
// one a port could have; the kubelet looks it up among the container's
// ports, finds none and fails the probe every time, so a readiness probe
// keeps the pods out of their Service for good and a liveness probe
// restarts the container without end. A port renamed in one place and not
// the other is the usual cause. Only the team knows which side is right, so
// pave warns and changes nothing.
type ProbePort struct{}

var ruleProbePort = policy.Rule{ID: "probe-port", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a probe or lifecycle hook that names a port names one its container declares (the kubelet fails it every time otherwise)"}

// Name implements engine.Validator.
func (ProbePort) Name() string { return "probe-port" }

// Rules implements engine.Validator.
func (ProbePort) Rules() []policy.Rule { return []policy.Rule{ruleProbePort} }

// Validate implements engine.Validator. Ephemeral containers are left out:
// the API server refuses probes and hooks on them.
func (ProbePort) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	// The container's path is written only for a finding (workload.Ref):
	// every container is looked at on every request.
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if at.Ephemeral() {
			return
		}
		out = probePorts(out, c, at, "readinessProbe", c.ReadinessProbe, "its pods never become ready, and their Service sends them nothing")
		out = probePorts(out, c, at, "livenessProbe", c.LivenessProbe, "the kubelet restarts the container again and again")
		out = probePorts(out, c, at, "startupProbe", c.StartupProbe, "the container is restarted before it ever starts")
		if c.Lifecycle != nil {
			out = handlerPort(out, c, at, "lifecycle.postStart", "postStart hook", c.Lifecycle.PostStart, "the kubelet kills the container as it starts")
			out = handlerPort(out, c, at, "lifecycle.preStop", "preStop hook", c.Lifecycle.PreStop, "the container is stopped without its hook")
		}
	})
	return out
}

func probePorts(out []policy.Violation, c *corev1.Container, at workload.Ref, field string, p *corev1.Probe, effect string) []policy.Violation {
	if p == nil {
		return out
	}
	switch {
	case p.HTTPGet != nil:
		return unresolved(out, c, at, field, ".httpGet.port", field, p.HTTPGet.Port, "the probe always fails: ", effect)
	case p.TCPSocket != nil:
		return unresolved(out, c, at, field, ".tcpSocket.port", field, p.TCPSocket.Port, "the probe always fails: ", effect)
	}
	return out
}

// handlerPort judges a lifecycle hook's httpGet port. A tcpSocket hook is
// not judged: the kubelet fails it whatever its port, which lifecycle-hook
// says.
func handlerPort(out []policy.Violation, c *corev1.Container, at workload.Ref, field, what string, h *corev1.LifecycleHandler, effect string) []policy.Violation {
	if h == nil || h.HTTPGet == nil {
		return out
	}
	return unresolved(out, c, at, field, ".httpGet.port", what, h.HTTPGet.Port, "the hook always fails: ", effect)
}

// unresolved adds a finding when port is a name none of c's ports has, at
// field+suffix; fails and effect say what then happens. Nothing is joined
// or quoted unless there is a finding.
func unresolved(out []policy.Violation, c *corev1.Container, at workload.Ref, field, suffix, what string, port intstr.IntOrString, fails, effect string) []policy.Violation {
	if port.Type != intstr.String || port.StrVal == "" || slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == port.StrVal }) {
		return out
	}
	var names []string
	for _, p := range c.Ports {
		if p.Name != "" {
			names = append(names, strconv.Quote(p.Name))
		}
	}
	declared := "declares no named port"
	if len(names) > 0 {
		declared = "declares " + strings.Join(names, ", ")
	}
	return append(out, ruleProbePort.Violation(at.Field(field+suffix),
		fmt.Sprintf("container %q: the %s names port %q, and the container %s; the kubelet finds ports by name in the container's own list, so %s%s", c.Name, what, port.StrVal, declared, fails, effect),
		fmt.Sprintf("declare the port in the container's ports (name: %s) or give the %s the port's number", port.StrVal, what)))
}
