package workload

import (
	"fmt"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// MaxContainers bounds the containers (init, app and ephemeral) of one pod
// template that pave completes and judges. Each container costs tens of
// kilobytes of work and an admission request may carry 200,000 of them; a pod
// with more than a few dozen is not a workload anyone runs. Larger ones are
// denied by the engine's pod-size rule, which no policy can relax.
const MaxContainers = 256

// prescanBytes is the object size above which FromJSON counts containers
// before decoding: below it, a decode is cheap whatever it holds.
const prescanBytes = 64 << 10

// OversizedError is FromJSON's answer for a pod template with more than
// MaxContainers containers, found before the costly typed decode.
type OversizedError struct {
	Kind       string
	Containers int
}

func (e *OversizedError) Error() string {
	return fmt.Sprintf("the %s's pod template has %d containers; pave judges at most %d: split the workload into several", e.Kind, e.Containers, MaxContainers)
}

type containerLists struct {
	InitContainers      []struct{} `json:"initContainers"`
	Containers          []struct{} `json:"containers"`
	EphemeralContainers []struct{} `json:"ephemeralContainers"`
}

// templateOf is the part of a workload's spec that holds the pod template.
type templateOf struct {
	Template struct {
		Spec containerLists `json:"spec"`
	} `json:"template"`
}

// countContainers counts a pod template's containers by decoding nothing but
// the three lists' lengths; ok is false when the shape is not as expected (the
// full decode then reports the error).
func countContainers(kind string, data []byte) (n int, ok bool) {
	var lists containerLists
	var err error
	switch kind {
	case "Pod":
		var o struct {
			Spec containerLists `json:"spec"`
		}
		err, lists = jsondecode.Unmarshal(data, &o), o.Spec
	case "CronJob":
		var o struct {
			Spec struct {
				JobTemplate struct {
					Spec templateOf `json:"spec"`
				} `json:"jobTemplate"`
			} `json:"spec"`
		}
		err, lists = jsondecode.Unmarshal(data, &o), o.Spec.JobTemplate.Spec.Template.Spec
	default:
		var o struct {
			Spec templateOf `json:"spec"`
		}
		err, lists = jsondecode.Unmarshal(data, &o), o.Spec.Template.Spec
	}
	if err != nil {
		return 0, false
	}
	return len(lists.InitContainers) + len(lists.Containers) + len(lists.EphemeralContainers), true
}

// ContainerCount is the number of init, app and ephemeral containers.
func (w *Workload) ContainerCount() int {
	return len(w.PodSpec.InitContainers) + len(w.PodSpec.Containers) + len(w.PodSpec.EphemeralContainers)
}
