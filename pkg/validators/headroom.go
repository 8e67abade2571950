package validators

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// QuotaHeadroom says at the workload, before its ReplicaSet fails, when its
// pods cannot fit what the namespace's quota has left: replicas times the
// pod's requests and limits, plus the surge pod of a rolling update. Warn by
// default: the quota admission has the last word, and usage moves.
type QuotaHeadroom struct{}

var ruleQuotaHeadroom = policy.Rule{ID: "quota-headroom", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a workload's pods fit what the namespace's ResourceQuota has left"}

// Name implements engine.Validator.
func (QuotaHeadroom) Name() string { return "quota-headroom" }

// Rules implements engine.Validator.
func (QuotaHeadroom) Rules() []policy.Rule { return []policy.Rule{ruleQuotaHeadroom} }

// Validate implements engine.Validator.
func (QuotaHeadroom) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	if len(env.Quotas) == 0 {
		return nil
	}
	pods, surge, field := podCount(w)
	later := false
	if pods == 0 {
		pods, field, later = jobPods(w)
	}
	if pods == 0 {
		return nil
	}
	need := quota.PodUsage(asCreated(w.PodSpec))
	var out []policy.Violation
	for _, q := range env.Quotas {
		var short []string
		for _, name := range slices.Sorted(maps.Keys(q.Spec.Hard)) {
			perPod, ok := need[name]
			if !ok {
				continue
			}
			hard, used := q.Spec.Hard[name], q.Status.Used[name]
			total := perPod.DeepCopy()
			total.Mul(int64(pods + surge))
			if later {
				// Its pods run at times the usage does not tell; more than
				// the whole quota never fits.
				if total.Cmp(hard) > 0 {
					short = append(short, fmt.Sprintf("%s: needs %s, more than the %s the quota allows", name, total.String(), hard.String()))
				}
				continue
			}
			left := hard.DeepCopy()
			left.Sub(used)
			if total.Cmp(left) > 0 {
				short = append(short, fmt.Sprintf("%s: needs %s, %s left of %s", name, total.String(), left.String(), hard.String()))
			}
		}
		if len(short) > 0 {
			out = append(out, ruleQuotaHeadroom.Violation(field,
				fmt.Sprintf("%s ResourceQuota %s: %s", doNotFit(w.Kind, pods, surge, later), q.Name, strings.Join(short, "; ")),
				fmt.Sprintf("lower the %s or requests, or ask the platform team for a larger tier (label %s on the namespace)", field[strings.LastIndex(field, ".")+1:], v1alpha1.LabelTier)))
		}
	}
	return out
}

// doNotFit says which pods do not fit a quota.
func doNotFit(kind string, pods, surge int, later bool) string {
	n := fmt.Sprintf("%d pods at once", pods)
	verb := "do not fit"
	if pods == 1 {
		n, verb = "1 pod", "does not fit"
	}
	if later {
		n += ", even with nothing else running,"
	}
	switch kind {
	case "Job":
		return "the Job's " + n + " " + verb
	case "CronJob":
		return "each run's " + n + " " + verb
	}
	return fmt.Sprintf("%d pods (%d replicas + %d surge during a rollout) do not fit", pods+surge, pods, surge)
}

// podCount is how many pods a workload asks for, the extra pods a rolling
// update adds, and the field that says so.
func podCount(w *workload.Workload) (pods, surge int, field string) {
	replicas := func(r *int32) int {
		if r == nil {
			return 1
		}
		return int(*r)
	}
	switch o := w.Object.(type) {
	case *appsv1.Deployment:
		pods = replicas(o.Spec.Replicas)
		if o.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
			s := intstr.FromString("25%")
			if ru := o.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxSurge != nil {
				s = *ru.MaxSurge
			}
			n, _ := intstr.GetScaledValueFromIntOrPercent(&s, pods, true)
			surge = n
		}
		return pods, surge, "spec.replicas"
	case *appsv1.StatefulSet:
		return replicas(o.Spec.Replicas), 0, "spec.replicas"
	case *appsv1.ReplicaSet:
		return replicas(o.Spec.Replicas), 0, "spec.replicas"
	case *corev1.ReplicationController:
		return replicas(o.Spec.Replicas), 0, "spec.replicas"
	}
	return 0, 0, "" // a Pod is refused by the quota admission itself; a Job's pods: jobPods
}

// jobPods is how many pods a Job (or each run of a CronJob) runs at once:
// its parallelism, fewer where fewer complete it. Its pods fail quota as a
// ReplicaSet's do, seen only in its events. later is set for a CronJob and
// a suspended Job (a queue such as Kueue starts it), whose pods run at times
// the quota's usage now does not tell.
func jobPods(w *workload.Workload) (pods int, field string, later bool) {
	atOnce := func(j batchv1.JobSpec) int {
		n := 1
		if j.Parallelism != nil {
			n = int(*j.Parallelism)
		}
		if j.Completions != nil && int(*j.Completions) < n {
			n = int(*j.Completions)
		}
		return n
	}
	switch o := w.Object.(type) {
	case *batchv1.Job:
		return atOnce(o.Spec), "spec.parallelism", o.Spec.Suspend != nil && *o.Spec.Suspend
	case *batchv1.CronJob:
		return atOnce(o.Spec.JobTemplate.Spec), "spec.jobTemplate.spec.parallelism", true
	}
	return 0, "", false
}

// asCreated is the template's spec as the API server stores its pods, as
// far as what they count against a quota goes: a container's limit without
// a request makes its request, and so does a pod-level limit without one
// where no container requests that resource (where one does, the
// containers' requests are the pod's). The spec itself where nothing
// changes, as for nearly every template (pave's defaults and the
// LimitRange's give containers both): a copy was most of this rule's cost.
func asCreated(spec *corev1.PodSpec) *corev1.PodSpec {
	containers, inits := anyLimitWithoutRequest(spec.Containers), anyLimitWithoutRequest(spec.InitContainers)
	podLevel := spec.Resources != nil && limitWithoutRequest(spec.Resources)
	if !containers && !inits && !podLevel {
		return spec
	}
	out := *spec
	if containers {
		out.Containers = requested(spec.Containers)
	}
	if inits {
		out.InitContainers = requested(spec.InitContainers)
	}
	if podLevel {
		sum := requests(spec, &v1alpha1.ResourcePolicy{}) // pod-budget's: the containers' as the API server defaults them
		res := spec.Resources.DeepCopy()
		if res.Requests == nil {
			res.Requests = corev1.ResourceList{}
		}
		for name, limit := range spec.Resources.Limits {
			if _, ok := res.Requests[name]; ok {
				continue
			}
			res.Requests[name] = limit
			if c, ok := sum[name]; ok && !c.IsZero() {
				res.Requests[name] = c
			}
		}
		out.Resources = res
	}
	return &out
}

// requested is a copy of cs with each container's requests as the API
// server gives them: a limit without a request makes the request.
func requested(cs []corev1.Container) []corev1.Container {
	out := slices.Clone(cs)
	for i := range out {
		out[i].Resources.Requests = workload.PodRequests(out[i].Resources)
	}
	return out
}

// anyLimitWithoutRequest reports whether a container of cs limits a
// resource it does not request.
func anyLimitWithoutRequest(cs []corev1.Container) bool {
	for i := range cs {
		if limitWithoutRequest(&cs[i].Resources) {
			return true
		}
	}
	return false
}

// limitWithoutRequest reports whether r limits a resource it does not
// request, which the API server then requests at the limit.
func limitWithoutRequest(r *corev1.ResourceRequirements) bool {
	for name := range r.Limits {
		if _, ok := r.Requests[name]; !ok {
			return true
		}
	}
	return false
}
