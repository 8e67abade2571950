package check

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pave-dev/pave/pkg/workload"
)

// invalidTemplate is the API server's refusal of a workload's metadata (named,
// metaErrors), its selector, the names in its pod spec (podSpecErrors) or a
// Job's restart policy (jobRestartPolicy), in its words and order, or nil.
// The API server validates the object after mutating admission, so w is the
// mutated workload: the template's labels are named with those pave adds,
// and pave's proxy is among the init containers.
func invalidTemplate(w *workload.Workload, named field.ErrorList) error {
	var claims []corev1.PersistentVolumeClaim
	if set, ok := w.Object.(*appsv1.StatefulSet); ok {
		claims = set.Spec.VolumeClaimTemplates
	}
	errs := append(slices.Clip(named), invalidSelector(w)...)
	errs = append(errs, podSpecErrors(w.PodSpec, w.PodSpecPath, claims)...)
	errs = append(errs, jobRestartPolicy(w)...)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s %q is invalid: %w: the API server refuses it after mutating admission", w.Kind, w.Name(), errs.ToAggregate())
}

// invalidSelector are the API server's findings on an apps/v1 workload
// whose selector is missing, empty or does not select its own pod template
// (Kubernetes 1.37, pkg/apis/apps/validation), which come before its
// template's. pave never removes a label, so a selector that does not
// select the template as written does not select it mutated either. A
// manifest written for extensions/v1beta1, which defaulted the selector, is
// the usual case; pave check passed it and kubectl apply then failed. Jobs
// and ReplicationControllers default their selectors, and a Pod has none.
func invalidSelector(w *workload.Workload) field.ErrorList {
	var sel *metav1.LabelSelector
	switch o := w.Object.(type) {
	case *appsv1.Deployment:
		sel = o.Spec.Selector
	case *appsv1.ReplicaSet:
		sel = o.Spec.Selector
	case *appsv1.StatefulSet:
		sel = o.Spec.Selector
	case *appsv1.DaemonSet:
		sel = o.Spec.Selector
	default:
		return nil
	}
	if selectsByLabels(sel, w.PodMeta.Labels) {
		return nil // nearly every manifest: judged without a parse
	}
	return selectorErrors(w.Kind, sel, w.PodMeta.Labels)
}

// selectsByLabels reports whether sel is labels alone and the template has
// each of them.
func selectsByLabels(sel *metav1.LabelSelector, template map[string]string) bool {
	if sel == nil || len(sel.MatchExpressions) > 0 || len(sel.MatchLabels) == 0 {
		return false
	}
	for k, v := range sel.MatchLabels {
		if got, ok := template[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// selectorErrors are the API server's findings on a kind's selector and its
// template's labels, in its order. The DaemonSet's validation differs from
// the others': a missing selector is only one that selects nothing, and the
// template is judged before an empty selector.
func selectorErrors(kind string, sel *metav1.LabelSelector, template map[string]string) field.ErrorList {
	selPath := field.NewPath("spec", "selector")
	empty := sel != nil && len(sel.MatchLabels)+len(sel.MatchExpressions) == 0
	emptyFor := strings.ToLower(kind)
	if kind == "ReplicaSet" {
		emptyFor = "deployment" // the API server's words
	}
	var errs field.ErrorList
	if sel == nil && kind != "DaemonSet" {
		errs = append(errs, field.Required(selPath, ""))
	}
	errs = append(errs, metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, selPath)...)
	if empty && kind != "DaemonSet" {
		errs = append(errs, field.Invalid(selPath, sel, "empty selector is invalid for "+emptyFor))
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	switch {
	case err != nil && kind == "StatefulSet":
		errs = append(errs, field.Invalid(selPath, sel, ""))
	case err != nil && kind != "DaemonSet":
		errs = append(errs, field.Invalid(selPath, sel, "invalid label selector"))
	case err == nil && (kind == "DaemonSet" || !s.Empty()) && !s.Matches(labels.Set(template)):
		errs = append(errs, field.Invalid(field.NewPath("spec", "template", "metadata", "labels"), template, "`selector` does not match template `labels`"))
	}
	if empty && kind == "DaemonSet" {
		errs = append(errs, field.Invalid(selPath, sel, "empty selector is invalid for "+emptyFor))
	}
	return errs
}
