// Package scheduling keeps teams' pods off the nodes that are not theirs to
// run on: the control plane's, and those set apart for other teams.
package scheduling

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// controlPlaneTaints are the taints kubeadm and most distributions put on
// control-plane nodes (master is the name before Kubernetes 1.24).
var controlPlaneTaints = []string{"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"}

var ruleControlPlane = policy.Rule{ID: "control-plane-nodes", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "pods do not tolerate the control plane's taints (nor every taint): they run beside the API server and etcd otherwise"}

// ControlPlane judges a pod's tolerations: one of the control plane's taint,
// or one without a key that tolerates every taint, lets the pod onto the
// control-plane nodes, beside the API server, etcd and their credentials.
// A pod that names its node outright skips the scheduler and every taint;
// Guard refuses that at the Pod's creation, NodeName in a pod template.
type ControlPlane struct{}

// Name implements engine.Validator.
func (ControlPlane) Name() string { return "control-plane-nodes" }

// Rules implements engine.Validator.
func (ControlPlane) Rules() []policy.Rule { return []policy.Rule{ruleControlPlane} }

// Validate implements engine.Validator.
func (ControlPlane) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	for i, t := range w.PodSpec.Tolerations {
		if !tolerates(t) {
			continue
		}
		what := fmt.Sprintf("taint %s", t.Key)
		if t.Key == "" {
			what = "every taint (operator Exists without a key), the control plane's among them"
		}
		out = append(out, ruleControlPlane.Violation(fmt.Sprintf("%s.tolerations[%d]", w.PodSpecPath, i),
			fmt.Sprintf("the pod tolerates %s, so it may be scheduled onto the control-plane nodes, beside the API server and etcd", what),
			"remove the toleration; to run on nodes set apart for the team, tolerate their taint by its key"))
	}
	return out
}

// tolerates reports whether t tolerates a control-plane taint, whatever
// its effect.
func tolerates(t corev1.Toleration) bool {
	if t.Key == "" {
		return t.Operator == corev1.TolerationOpExists
	}
	return slices.Contains(controlPlaneTaints, t.Key)
}
