package environment

import (
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"

	"github.com/pave-dev/pave/pkg/policy"
)

// AskPriority asks for the PriorityClass the pods of spec get their
// priority from, where judging spec needs it (NeedsPriority).
func (r *Request) AskPriority(spec *corev1.PodSpec) {
	if NeedsPriority(spec) {
		r.Priority, r.PriorityClass = true, spec.PriorityClassName
	}
}

// NeedsPriority reports whether judging a pod spec needs the PriorityClass
// its pods get their priority from: a class it names, judged by its value
// (priority-class), or a priority or preemption policy it sets itself,
// which the API server's Priority admission refuses unless they are the
// class's (pod-priority). Nearly every workload does none of these and
// costs no lookup. An adapter in front of the API server does not ask for
// a Pod: that admission gave it its class's values before any webhook.
func NeedsPriority(spec *corev1.PodSpec) bool {
	return spec.PriorityClassName != "" || spec.Priority != nil || spec.PreemptionPolicy != nil
}

// PriorityOf is the class the API server's Priority admission (Kubernetes
// 1.37, plugin/pkg/admission/priority) gives a pod that names name, among
// classes: that class, found is false when there is none of that name; a
// pod that names none gets the global default class of the lowest value,
// or, where no class is the default, priority 0 and found. A class's
// preemption policy is read as the API server defaults it.
func PriorityOf(classes []schedulingv1.PriorityClass, name string) (pc policy.PriorityClass, found bool) {
	var chosen *schedulingv1.PriorityClass
	for i := range classes {
		c := &classes[i]
		switch {
		case name != "" && c.Name == name:
			chosen = c
		case name == "" && c.GlobalDefault && (chosen == nil || c.Value < chosen.Value):
			chosen = c
		}
	}
	if chosen == nil {
		return policy.PriorityClass{PreemptionPolicy: corev1.PreemptLowerPriority}, name == ""
	}
	pc = policy.PriorityClass{Name: chosen.Name, Value: chosen.Value, PreemptionPolicy: corev1.PreemptLowerPriority}
	if chosen.PreemptionPolicy != nil {
		pc.PreemptionPolicy = *chosen.PreemptionPolicy
	}
	return pc, true
}
