package scheduling

import (
	"context"
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var ruleNodeName = policy.Rule{ID: "node-name", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "pod templates name no node: every pod made from one skips the scheduler and every taint, the control plane's among them"}

// NodeName judges a pod template's spec.nodeName. The controllers copy it
// into every pod they make, and a pod created with its node named is never
// scheduled: the kubelet admits it whatever the node's NoSchedule taints,
// so it runs on a control-plane node, beside the API server and etcd, or on
// nodes set apart for another team. Guard refuses a team member's Pod that
// names its node; the pods a controller makes are its own requests, which
// Guard trusts, so the template is where the team's choice is judged.
// A Pod's own node name is not judged here: the scheduler writes one into
// every Pod it binds (decisions.md, "A Pod's node name is judged at
// creation").
type NodeName struct{}

// Name implements engine.Validator.
func (NodeName) Name() string { return "node-name" }

// Rules implements engine.Validator.
func (NodeName) Rules() []policy.Rule { return []policy.Rule{ruleNodeName} }

// Validate implements engine.Validator.
func (NodeName) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	if w.Kind == "Pod" || w.PodSpec.NodeName == "" {
		return nil
	}
	return []policy.Violation{ruleNodeName.Violation(w.PodSpecPath+".nodeName",
		fmt.Sprintf("the pod template names node %q, so every pod made from it runs there without the scheduler, past every taint: the control plane's, and those setting nodes apart for other teams", w.PodSpec.NodeName),
		"leave nodeName out and choose nodes with a nodeSelector or node affinity (kubernetes.io/hostname for one node), tolerating the team's own taint by key where its nodes have one")}
}
