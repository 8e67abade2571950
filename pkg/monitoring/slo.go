package monitoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Objective is a workload's SLO as its pave.dev/slo-* annotations state it.
type Objective struct {
	// Availability is the share of requests that must succeed, in percent;
	// 0 sets none.
	Availability float64
	// Latency is the target that Percentile percent of requests must meet;
	// 0 sets none.
	Latency    time.Duration
	Percentile float64
	// Window is the period the objective holds over, and its text (30d).
	Window     time.Duration
	WindowText string
}

// Set reports whether the workload states any objective.
func (o Objective) Set() bool { return o.Availability > 0 || o.Latency > 0 }

// Problem is an SLO annotation that does not parse or lies outside the
// policy's bounds.
type Problem struct{ Field, Message, Fix string }

// Judged is the objective without what its problems refuse: an SLI whose
// target is refused is left out, and with a refused window nothing is left.
// Admission denies an objective with problems, so only a workload admitted
// before them has any (a policy narrowed since, a check pave learned
// later, such as the latency histogram's buckets): it keeps the alerts of
// what still holds rather than losing them all.
func (o Objective) Judged(problems []Problem) Objective {
	for _, p := range problems {
		switch p.Field {
		case policy.AnnotationField(v1alpha1.AnnotationSLOAvailability):
			o.Availability = 0
		case policy.AnnotationField(v1alpha1.AnnotationSLOLatency), policy.AnnotationField(v1alpha1.AnnotationSLOPercentile):
			o.Latency = 0
		default: // the window, or anything not an SLI's
			return Objective{}
		}
	}
	return o
}

// ObjectiveOf reads a workload's objective and judges it by the policy's
// bounds. The objective is meaningful only without problems.
func ObjectiveOf(w *workload.Workload, p *policy.Policy) (Objective, []Problem) {
	b := p.Spec.Monitoring.SLO
	lo, _ := policy.Availability(b.MinAvailability) // checked when the policy was compiled
	hi, _ := policy.Availability(b.MaxAvailability)
	a := w.Meta.Annotations
	var o Objective
	var out []Problem
	bad := func(key, msg, fix string) { out = append(out, Problem{policy.AnnotationField(key), msg, fix}) }
	inBounds := func(key, what string, v float64) {
		if v < lo || v > hi {
			bad(key, fmt.Sprintf("%s %g%% is outside the policy's range %s%%–%s%%", what, v, b.MinAvailability, b.MaxAvailability),
				fmt.Sprintf("set a target from %s to %s (spec.monitoring.slo in the PlatformPolicy)", b.MinAvailability, b.MaxAvailability))
		}
	}
	if s, ok := a[v1alpha1.AnnotationSLOAvailability]; ok {
		v, err := policy.Availability(s)
		if err != nil {
			bad(v1alpha1.AnnotationSLOAvailability, err.Error(), "write the share of requests that must succeed, e.g. 99.9")
		} else {
			o.Availability = v
			inBounds(v1alpha1.AnnotationSLOAvailability, "availability", v)
		}
	}
	if s, ok := a[v1alpha1.AnnotationSLOLatency]; ok {
		d, err := time.ParseDuration(s)
		buckets := SLIQueries(w, p).LatencyBuckets
		switch min := mesh.Duration(b.MinLatency); {
		case err != nil || d <= 0:
			bad(v1alpha1.AnnotationSLOLatency, fmt.Sprintf("%q is not a duration", s), "write the latency target, e.g. 500ms")
		case d < min:
			bad(v1alpha1.AnnotationSLOLatency, fmt.Sprintf("latency %s is below the policy's minimum %s", d, min),
				fmt.Sprintf("set a target of at least %s: below it the measurement's own noise decides", min))
		case !isBucket(d, buckets):
			bad(v1alpha1.AnnotationSLOLatency, fmt.Sprintf("latency %s is no bucket of the latency histogram, so no series counts the requests within it and the objective would never alert", d),
				fmt.Sprintf("set a target the histogram has a bucket for: %s (spec.monitoring.slo latencyBuckets in the PlatformPolicy)", nearBuckets(d, buckets)))
		default:
			o.Latency = d
		}
		o.Percentile = 99
		if s, ok := a[v1alpha1.AnnotationSLOPercentile]; ok {
			v, err := strconv.ParseFloat(strings.TrimPrefix(s, "p"), 64)
			if err != nil || !strings.HasPrefix(s, "p") || math.IsNaN(v) {
				bad(v1alpha1.AnnotationSLOPercentile, fmt.Sprintf("%q is not a percentile", s), "write p99, p95 or p90")
			} else {
				o.Percentile = v
				inBounds(v1alpha1.AnnotationSLOPercentile, "the latency percentile", v)
			}
		}
	}
	o.WindowText = b.DefaultWindow
	if s, ok := a[v1alpha1.AnnotationSLOWindow]; ok {
		o.WindowText = s
		if !slices.Contains(b.Windows, s) {
			bad(v1alpha1.AnnotationSLOWindow, fmt.Sprintf("window %q is not one the policy allows", s),
				fmt.Sprintf("use one of %s", strings.Join(b.Windows, ", ")))
		}
	}
	o.Window, _ = policy.Days(o.WindowText)
	return o, out
}

// Budget is the share of requests the objective allows to fail (or to be
// slow), rounded to parts per billion so that 99.9 gives exactly 0.001.
func Budget(percent float64) float64 {
	return math.Round((100-percent)/100*1e9) / 1e9
}

// SLIQueries are the queries that measure the workload: the mesh's for a
// meshed one, the application's own otherwise. The alerts and the
// dashboard read the same.
func SLIQueries(w *workload.Workload, p *policy.Policy) v1alpha1.SLIQueries {
	if Meshed(w, p) {
		return p.Spec.Monitoring.SLO.Meshed
	}
	return p.Spec.Monitoring.SLO.Plain
}

// Meshed reports whether the workload's requests are measured by the mesh's
// sidecar rather than by the application.
func Meshed(w *workload.Workload, p *policy.Policy) bool {
	return mesh.Meshed(w, p.Spec.Mesh.Mode)
}

// Ratio fills the two query templates in and combines them by format.
func Ratio(p *policy.Policy, v policy.QueryVars, format, bad, all string) (string, error) {
	b, err := p.Fill("SLI query", bad, v)
	if err != nil {
		return "", err
	}
	a, err := p.Fill("SLI query", all, v)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(format, b, a), nil
}

// isBucket reports whether d is one of the histogram's bucket bounds, or
// the policy names none to judge by.
func isBucket(d time.Duration, buckets []v1alpha1.Duration) bool {
	return len(buckets) == 0 || slices.ContainsFunc(buckets, func(b v1alpha1.Duration) bool { return b.Duration == d })
}

// nearBuckets names the bucket bounds nearest d: the largest below it and
// the smallest above, each where there is one ("250ms or 500ms").
func nearBuckets(d time.Duration, buckets []v1alpha1.Duration) string {
	var lo, hi time.Duration
	for _, b := range buckets {
		if b.Duration < d && b.Duration > lo {
			lo = b.Duration
		}
		if b.Duration > d && (hi == 0 || b.Duration < hi) {
			hi = b.Duration
		}
	}
	var near []string
	for _, b := range []time.Duration{lo, hi} {
		if b > 0 {
			near = append(near, b.String())
		}
	}
	return strings.Join(near, " or ")
}
