package mesh

import (
	"fmt"
	"strconv"
	"time"

	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Settings are a service's effective traffic settings.
type Settings struct {
	Timeout, PerTryTimeout time.Duration
	Attempts               int32
}

// Duration reads an optional policy duration; unset is zero.
func Duration(d *v1alpha1.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return d.Duration
}

// Problem is an annotation pave cannot honour, with the reason.
type Problem struct {
	Annotation, Message, Fix string
}

// Effective returns the policy's traffic settings adjusted by the workload's
// annotations. An annotation that does not parse or breaks a bound is
// reported and ignored, so the generated objects always stay within policy.
func Effective(w *workload.Workload, t v1alpha1.TrafficPolicy) (Settings, []Problem) {
	s := Settings{Timeout: Duration(t.Timeout), PerTryTimeout: Duration(t.Retries.PerTryTimeout), Attempts: ptr.Deref(t.Retries.Attempts, 0)}
	maxTimeout := Duration(t.MaxTimeout)
	maxAttempts := int(ptr.Deref(t.Retries.MaxAttempts, 0))
	var problems []Problem
	a := w.Meta.Annotations
	if v, ok := a[v1alpha1.AnnotationTimeout]; ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			problems = append(problems, Problem{v1alpha1.AnnotationTimeout, fmt.Sprintf("%q is not a duration", v), "write a duration such as 5s or 500ms"})
		case policy.MeshDurationProblem(d) != "": // zero and below too
			problems = append(problems, unfit(v1alpha1.AnnotationTimeout, d))
		case maxTimeout > 0 && d > maxTimeout:
			problems = append(problems, Problem{v1alpha1.AnnotationTimeout, fmt.Sprintf("%s is above the policy's maximum of %s", d, maxTimeout),
				fmt.Sprintf("use at most %s, or ask the platform team to raise spec.mesh.traffic.maxTimeout", maxTimeout)})
		default:
			s.Timeout = d
		}
	}
	if v, ok := a[v1alpha1.AnnotationRetries]; ok {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 0:
			problems = append(problems, Problem{v1alpha1.AnnotationRetries, fmt.Sprintf("%q is not a number of attempts", v), "write a whole number such as 3"})
		case n > maxAttempts:
			problems = append(problems, Problem{v1alpha1.AnnotationRetries, fmt.Sprintf("%d is above the policy's maximum of %d", n, maxAttempts),
				fmt.Sprintf("use at most %d: retries multiply load on a failing service", maxAttempts)})
		default:
			s.Attempts = int32(n)
		}
	}
	if v, ok := a[v1alpha1.AnnotationPerTryTimeout]; ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			problems = append(problems, Problem{v1alpha1.AnnotationPerTryTimeout, fmt.Sprintf("%q is not a duration", v), "write a duration such as 2s"})
		case policy.MeshDurationProblem(d) != "": // zero and below too
			problems = append(problems, unfit(v1alpha1.AnnotationPerTryTimeout, d))
		default:
			s.PerTryTimeout = d
		}
	}
	if s.Timeout > 0 && s.PerTryTimeout > s.Timeout {
		s.PerTryTimeout = s.Timeout // a try cannot outlive the request
	}
	return s, problems
}

// unfit is an annotation's duration Istio would refuse: below 1ms, or finer
// than a millisecond.
func unfit(annotation string, d time.Duration) Problem {
	return Problem{annotation, policy.MeshDurationProblem(d),
		fmt.Sprintf("write whole milliseconds, at least %s, such as 500ms", policy.MinMeshDuration)}
}
