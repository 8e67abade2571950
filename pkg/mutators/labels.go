package mutators

import (
	"context"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/internal/imageref"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Labels adds the standard labels to the workload and its pod template:
// app.kubernetes.io/name and part-of (version on pods), and the team, zone and cost centre the platform uses for
// network zones, chargeback and ownership, and the policy's required labels. Values come from the workload itself,
// then its namespace's labels, then the policy's defaults; the zone is the one
// policy.WorkloadZone puts in force (the namespace's, unless the workload
// narrows it). A label the workload set is never overwritten: the labels
// validator judges it.
type Labels struct{}

// Name implements engine.Mutator.
func (Labels) Name() string { return "labels" }

// Scope implements engine.Scoped: the object's labels and its pods'.
func (Labels) Scope() []string { return []string{"metadata.labels", "pod.metadata.labels"} }

// Mutate implements engine.Mutator.
func (Labels) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	want := map[string]string{
		v1alpha1.LabelName:       appName(w),
		v1alpha1.LabelTeam:       first(label(w, v1alpha1.LabelTeam), v1alpha1.TeamOf(env.Namespace.Labels)),
		v1alpha1.LabelZone:       policy.WorkloadZone(w, env).Zone,
		v1alpha1.LabelCostCenter: first(label(w, v1alpha1.LabelCostCenter), env.Namespace.Labels[v1alpha1.LabelCostCenter], env.Policy.Spec.Labels.DefaultCostCenter),
		v1alpha1.LabelPartOf:     sanitize(first(label(w, v1alpha1.LabelPartOf), env.Namespace.Labels[v1alpha1.LabelPartOf], env.NamespaceOf(w))),
	}
	// The policy's required labels come the same way, from the workload or
	// its namespace, onto the workload and its pods: a label on a
	// Deployment alone would leave its ReplicaSets and Pods to be denied by
	// rule required-labels.
	for _, k := range env.Policy.Spec.Labels.Required {
		if _, ok := want[k]; !ok {
			want[k] = first(label(w, k), env.Namespace.Labels[k])
		}
	}
	changed := false
	for k, v := range want {
		if v == "" {
			continue
		}
		changed = setMissing(&w.Meta.Labels, k, v) || changed
		changed = setMissing(&w.PodMeta.Labels, k, v) || changed
	}
	if w.Kind == "Pod" {
		changed = setMissing(&w.Meta.Labels, v1alpha1.LabelVersion, version(w, want[v1alpha1.LabelName])) || changed
	}
	return staleZone(w, want[v1alpha1.LabelZone]) || changed, nil
}

// version is the image tag of the pod's main container: the one named like
// the application, else the first. Only pods get it: on a template it would
// keep the old tag after the next image change, as a label pave never
// overwrites. A digest without a tag gives no version.
func version(w *workload.Workload, app string) string {
	cs := w.PodSpec.Containers
	if len(cs) == 0 {
		return ""
	}
	main := cs[0]
	if i := slices.IndexFunc(cs, func(c corev1.Container) bool { return c.Name == app }); i >= 0 {
		main = cs[i]
	}
	ref, err := imageref.Parse(main.Image)
	if err != nil {
		return ""
	}
	return sanitize(ref.Tag)
}

// staleZone gives a controller's new pod the zone in force. Its template was
// admitted when the namespace was in another zone (or while pave was down):
// the template's label is pave's old decision, not a team's claim — a claim
// is judged on the template itself. Refusing the pod would leave the workload
// unable to replace its pods; keeping the label would keep the pod a member
// of a zone its namespace has left.
func staleZone(w *workload.Workload, zone string) bool {
	cur, ok := w.Meta.Labels[v1alpha1.LabelZone]
	if w.Kind != "Pod" || !ok || cur == zone || zone == "" || metav1.GetControllerOf(w.Meta) == nil {
		return false
	}
	w.Meta.Labels[v1alpha1.LabelZone] = zone
	return true
}

// label returns a label from the object, else from its pod template.
func label(w *workload.Workload, key string) string {
	if v := w.Meta.Labels[key]; v != "" {
		return v
	}
	return w.PodMeta.Labels[key]
}

// appName is the application's name: the standard label, the common "app" label,
// or the object's own name.
func appName(w *workload.Workload) string {
	return sanitize(first(label(w, v1alpha1.LabelName), label(w, "app"), w.Name()))
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func setMissing(m *map[string]string, key, value string) bool {
	if value == "" {
		return false
	}
	if _, ok := (*m)[key]; ok {
		return false
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = value
	return true
}

// sanitize makes a name a valid label value: at most 63 characters, starting and
// ending with an alphanumeric (a generateName such as "web-7d9f-" ends in a dash).
func sanitize(v string) string {
	if len(v) > 63 {
		v = v[:63]
	}
	return strings.TrimFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}
