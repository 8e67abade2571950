package validators

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// MaxLabels is how many labels a workload pave's controller keeps in memory
// writes on itself or on its pod template, and how many terms its selector
// holds (each matchLabels entry, and each value of a matchExpressions term,
// or the term itself without values). Real workloads write a handful; the
// API server bounds labels only by the object's 1.5 MB.
const MaxLabels = 64

// LabelBound refuses a Deployment, StatefulSet or DaemonSet of more than
// MaxLabels labels or selector terms. pave's controller keeps of every
// team's workloads what their companions are made of (workload.
// CompanionInputs), their labels and selector among them, which it copies
// into NetworkPolicies and PodMonitors; a few hundred workloads of a
// megabyte of labels each would take it, and every team's companions, past
// its memory. The kinds whose controller adds a label of its own to the
// template it copies (a ReplicaSet's pod-template-hash) are left out, so a
// workload at the bound never has its ReplicaSets refused. The message
// names no count, so an update of a workload over the bound before pave
// that stays over it is preexisting, while it does not grow (Measure).
type LabelBound struct{}

var ruleLabelBound = policy.Rule{ID: "label-bound", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce, TemplateOnly: true,
	Description: fmt.Sprintf("a Deployment, StatefulSet or DaemonSet writes at most %d labels on itself and on its pod template, and at most %d selector terms (pave's controller keeps them in memory)", MaxLabels, MaxLabels)}

// Name implements engine.Validator.
func (LabelBound) Name() string { return "label-bound" }

// Rules implements engine.Validator.
func (LabelBound) Rules() []policy.Rule { return []policy.Rule{ruleLabelBound} }

// Validate implements engine.Validator.
func (LabelBound) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	if !workload.Served(w) {
		return nil
	}
	var out []policy.Violation
	over := func(n int, field, what string) {
		if n <= MaxLabels {
			return
		}
		v := ruleLabelBound.Violation(field,
			fmt.Sprintf("%s %q writes more than %d %s: pave's controller keeps every team's workload labels and selectors in memory, and workloads of thousands would take it, and every team's network policies and monitoring, down", w.Kind, w.Name(), MaxLabels, what),
			fmt.Sprintf("keep the labels that selectors, tools and dashboards read (at most %d) and move the rest to annotations; a workload over the bound before pave keeps its updates only while they add none", MaxLabels))
		v.Measure = n
		out = append(out, v)
	}
	over(len(w.Meta.Labels), "metadata.labels", "labels, pave's own among them")
	over(len(w.PodMeta.Labels), w.PodMetaPath+".labels", "labels on its pod template, pave's own among them")
	over(terms(workload.Selector(w)), "spec.selector", "selector terms")
	return out
}

// terms counts a selector's matchLabels entries and its matchExpressions'
// values (a term without values, Exists or DoesNotExist, counts as one).
func terms(s *metav1.LabelSelector) int {
	if s == nil {
		return 0
	}
	n := len(s.MatchLabels)
	for _, e := range s.MatchExpressions {
		n += max(1, len(e.Values))
	}
	return n
}
