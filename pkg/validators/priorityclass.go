package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// PriorityClass keeps teams' pods off the system priority classes. Any pod
// may name a PriorityClass, and nothing in Kubernetes keeps
// system-node-critical or system-cluster-critical to kube-system: a team's
// pods of those classes preempt every other team's pods on any node, and the
// kubelet evicts them last under pressure. Kubernetes reserves the system-
// prefix for its own classes, so the rule needs no list of them.
//
// The platform's own classes are judged by value, against the namespace's
// tier (spec.tiers.tiers[].maxPriority): a Pod arrives with its class's
// value in spec.priority, which the API server's Priority admission fills in
// before any webhook; a pod template carries only the class's name, whose
// value the adapter looks up (Env.Priority). A class it does not know is
// judged at the Pods, where the API server refuses a class that does not
// exist.
type PriorityClass struct{}

var rulePriorityClass = policy.Rule{ID: "priority-class", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "pods name no system PriorityClass (system-node-critical, system-cluster-critical), nor one above their tier's maxPriority: those preempt other teams' pods"}

// Name implements engine.Validator.
func (PriorityClass) Name() string { return "priority-class" }

// Rules implements engine.Validator.
func (PriorityClass) Rules() []policy.Rule { return []policy.Rule{rulePriorityClass} }

// Validate implements engine.Validator.
func (PriorityClass) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	name := w.PodSpec.PriorityClassName
	if strings.HasPrefix(name, "system-") {
		return []policy.Violation{rulePriorityClass.Violation(w.PodSpecPath+".priorityClassName",
			fmt.Sprintf("the pod names PriorityClass %q, a class of the cluster's own components: its pods would preempt other teams' pods on any node and be evicted last", name),
			"remove priorityClassName, or name a class the platform team made for workloads")}
	}
	// A Pod's own value first: the API server wrote it from the class.
	priority := w.PodSpec.Priority
	if priority == nil && env.Priority != nil {
		priority = &env.Priority.Value
	}
	tier, ok := quota.Of(env)
	if !ok || tier.MaxPriority == nil || priority == nil || *priority <= *tier.MaxPriority {
		return nil
	}
	runs, they := "its pods would run", "they" // a template's, by its class's value
	if w.Kind == "Pod" {
		runs, they = "the pod runs", "it"
	}
	class := "the cluster's default PriorityClass"
	if name != "" {
		class = fmt.Sprintf("PriorityClass %q", name)
	}
	return []policy.Violation{rulePriorityClass.Violation(w.PodSpecPath+".priorityClassName",
		fmt.Sprintf("%s at priority %d (%s), above %d, the most tier %q allows: %s would preempt other teams' pods", runs, *priority, class, *tier.MaxPriority, tier.Name, they),
		fmt.Sprintf("name a PriorityClass of value %d or less, or none; or ask the platform team for a tier that allows more", *tier.MaxPriority))}
}
