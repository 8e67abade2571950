package validators

import (
	"context"
	"fmt"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// PodPriority says at the workload what the API server's Priority admission
// refuses at every one of its pods: a pod template that sets its own
// priority or preemptionPolicy, other than the PriorityClass it names (or
// the cluster's default class, or priority 0 where there is none) gives.
// That admission fills both in from the class at each pod's creation and
// refuses a pod that set other values; it judges only Pods, so such a
// Deployment is admitted and then never runs, its ReplicaSet refused at
// every pod. Usually a template copied from a running Pod, which carries
// the values its class gave it. Enforced, as container-max is. A Pod is not
// judged: that admission refuses it before any webhook.
type PodPriority struct{}

var rulePodPriority = policy.Rule{ID: "pod-priority", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "a pod template sets no priority or preemptionPolicy other than its PriorityClass gives, which the API server's Priority admission refuses at every pod"}

// Name implements engine.Validator.
func (PodPriority) Name() string { return "pod-priority" }

// Rules implements engine.Validator.
func (PodPriority) Rules() []policy.Rule { return []policy.Rule{rulePodPriority} }

// Validate implements engine.Validator.
func (PodPriority) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	class, spec := env.Priority, w.PodSpec
	if w.Kind == "Pod" || class == nil {
		return nil
	}
	from := "the API server's defaults, where no PriorityClass is the global default"
	switch {
	case spec.PriorityClassName != "":
		from = fmt.Sprintf("PriorityClass %q", class.Name)
	case class.Name != "":
		from = fmt.Sprintf("the cluster's default PriorityClass %q", class.Name)
	}
	var out []policy.Violation
	if spec.Priority != nil && *spec.Priority != class.Value {
		out = append(out, rulePodPriority.Violation(w.PodSpecPath+".priority",
			fmt.Sprintf("the pod template sets priority %d, and its pods get %d from %s: the API server's Priority admission refuses every pod of it", *spec.Priority, class.Value, from),
			"remove priority: the API server fills it in from the PriorityClass; to run at another priority, name a PriorityClass of that value"))
	}
	if spec.PreemptionPolicy != nil && *spec.PreemptionPolicy != class.PreemptionPolicy {
		out = append(out, rulePodPriority.Violation(w.PodSpecPath+".preemptionPolicy",
			fmt.Sprintf("the pod template sets preemptionPolicy %s, and its pods get %s from %s: the API server's Priority admission refuses every pod of it", *spec.PreemptionPolicy, class.PreemptionPolicy, from),
			"remove preemptionPolicy: the API server fills it in from the PriorityClass; for another, name a PriorityClass with that preemptionPolicy"))
	}
	return out
}
