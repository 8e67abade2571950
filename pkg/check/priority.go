package check

import (
	"fmt"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// refusedPriority is the API server's refusal of a Pod that sets its own
// priority or preemptionPolicy, other than its PriorityClass gives, in the
// words of its Priority admission (Kubernetes 1.37,
// plugin/pkg/admission/priority), or nil. That admission runs before any
// webhook and judges only Pods; a pod template is judged by rule
// pod-priority. class is the one the input gives the Pod (nil: a class the
// input does not hold, which the cluster may).
func refusedPriority(w *workload.Workload, class *policy.PriorityClass) error {
	if w.Kind != "Pod" || class == nil {
		return nil
	}
	why := ""
	switch spec := w.PodSpec; {
	case spec.Priority != nil && *spec.Priority != class.Value:
		why = fmt.Sprintf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *spec.Priority, class.Value)
	case spec.PreemptionPolicy != nil && *spec.PreemptionPolicy != class.PreemptionPolicy:
		why = fmt.Sprintf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", *spec.PreemptionPolicy, class.PreemptionPolicy)
	default:
		return nil
	}
	return fmt.Errorf("%s %q is forbidden: %s: the API server's Priority admission refuses it before any webhook", w.Kind, w.Name(), why)
}
