package engine

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Bounds on what one result reports. A pod template with thousands of failing
// containers must not produce a denial that grows with their square (issue 7:
// a 221 KB Deployment once made a 34 MB error): each rule lists its first
// MaxPerRule findings and counts the rest, and every text is cut at
// MaxTextBytes.
const (
	MaxPerRule   = 10
	MaxTextBytes = 1024
)

// RulePodSize denies pod templates with more than workload.MaxContainers
// containers before any other rule runs; no policy can relax it.
var RulePodSize = policy.Rule{ID: "pod-size", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: fmt.Sprintf("a pod template has at most %d containers (bounds the work of one request; cannot be relaxed)", workload.MaxContainers)}

func oversized(w *workload.Workload) bool { return w.ContainerCount() > workload.MaxContainers }

func podSizeViolation(w *workload.Workload) policy.Violation {
	return podSize(w.PodSpecPath, w.ContainerCount())
}

// OversizedViolation is the pod-size finding for an object workload.FromJSON
// refused before decoding it.
func OversizedViolation(big *workload.OversizedError) policy.Violation {
	return podSize(workload.PodSpecPath(big.Kind), big.Containers)
}

func podSize(podSpecPath string, n int) policy.Violation {
	return RulePodSize.Violation(podSpecPath,
		fmt.Sprintf("the pod template has %d containers; pave judges at most %d", n, workload.MaxContainers),
		"split the workload into several: one pod runs one service and its helpers")
}

// bound drops exact duplicates, keeps the first MaxPerRule findings of each
// rule and adds one summary per rule that had more, and cuts long texts. The
// order of the first finding of each rule is kept.
func bound(vs []policy.Violation) []policy.Violation {
	if len(vs) == 0 {
		return vs
	}
	if len(vs) <= MaxPerRule { // no rule can have more: nearly every result
		kept := make([]policy.Violation, 0, len(vs))
		for i, v := range vs {
			if !slices.ContainsFunc(vs[:i], sameFinding(v)) {
				v.Message, v.Fix, v.Field = cut(v.Message), cut(v.Fix), cut(v.Field)
				kept = append(kept, v)
			}
		}
		return kept
	}
	type key struct{ rule, field, message string }
	seen := make(map[key]bool, len(vs))
	count := map[string]int{}
	var order []string
	kept := make([]policy.Violation, 0, min(len(vs), 64))
	for _, v := range vs {
		k := key{v.Rule, v.Field, v.Message}
		if seen[k] {
			continue
		}
		seen[k] = true
		if count[v.Rule] == 0 {
			order = append(order, v.Rule)
		}
		count[v.Rule]++
		if count[v.Rule] <= MaxPerRule {
			v.Message, v.Fix, v.Field = cut(v.Message), cut(v.Fix), cut(v.Field)
			kept = append(kept, v)
		}
	}
	for _, rule := range order {
		if n := count[rule] - MaxPerRule; n > 0 {
			var last policy.Violation
			for _, v := range kept {
				if v.Rule == rule {
					last = v
				}
			}
			last.Message = fmt.Sprintf("%d more findings of this rule are not listed", n)
			kept = append(kept, last)
		}
	}
	return kept
}

// sameFinding matches the findings that are v again: the same rule, field
// and message.
func sameFinding(v policy.Violation) func(policy.Violation) bool {
	return func(o policy.Violation) bool { return o.Rule == v.Rule && o.Field == v.Field && o.Message == v.Message }
}

// cut shortens s to at most MaxTextBytes, at a character boundary.
func cut(s string) string {
	if len(s) <= MaxTextBytes {
		return s
	}
	i := MaxTextBytes - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
