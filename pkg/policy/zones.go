package policy

import (
	"fmt"
	"slices"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// ZoneDecision is the zone a workload lives in and where it comes from. The
// namespace's zone is the truth: a team cannot label its way out of the mesh
// or out of its network isolation. A workload may name a narrower zone (one
// later in spec.zones.names, which runs from the most open to the most
// closed) where the policy allows narrowing.
type ZoneDecision struct {
	// Zone is the zone in force.
	Zone string
	// Namespace is the namespace's zone; NamespaceSource says where it came
	// from.
	Namespace string
	// Requested is what the workload itself names (label or annotation) and
	// RequestedAt the field that names it; RequestedAt is "" when it names none.
	Requested, RequestedAt string
	// Refused says why Requested is not in force, or "" when it is (or none was
	// requested).
	Refused string
	// fromLabel: the namespace's zone is its label, not the policy's default;
	// the text is made only for a message (DecideZone runs several times for
	// every workload).
	fromLabel     bool
	namespaceName string
}

// NamespaceSource says where the namespace's zone came from: the
// namespace's label, or the policy's default.
func (d ZoneDecision) NamespaceSource() string {
	if d.fromLabel {
		return fmt.Sprintf("the label %s of namespace %s", v1alpha1.LabelZone, d.namespaceName)
	}
	return "the policy's default zone"
}

// DecideZone decides the zone of a workload whose own labels and annotations
// (object first, then pod template) are given as candidates with their field
// paths. The first candidate that is set is the workload's request.
func DecideZone(env Env, requests ...ZoneRequest) ZoneDecision {
	d := ZoneDecision{Namespace: env.Namespace.Labels[v1alpha1.LabelZone], namespaceName: env.Namespace.Name}
	d.fromLabel = d.Namespace != ""
	if !d.fromLabel {
		d.Namespace = env.Policy.Spec.Zones.DefaultZone
	}
	d.Zone = d.Namespace
	for _, r := range requests {
		if r.Set {
			d.Requested, d.RequestedAt = r.Value, r.Field
			break
		}
	}
	if d.RequestedAt == "" || d.Requested == d.Namespace {
		return d
	}
	zones := env.Policy.Spec.Zones
	from, to := slices.Index(zones.Names, d.Namespace), slices.Index(zones.Names, d.Requested)
	switch {
	case to < 0 && len(zones.Names) > 0:
		d.Refused = fmt.Sprintf("zone %q is not one of the policy's zones", d.Requested)
	case zones.AllowNarrowing == nil || !*zones.AllowNarrowing:
		d.Refused = "the policy does not let workloads choose a zone other than their namespace's"
	case from < 0 || to <= from:
		d.Refused = fmt.Sprintf("zone %q is not narrower than the namespace's zone %q", d.Requested, d.Namespace)
	default:
		d.Zone = d.Requested
	}
	return d
}

// ZoneRequest is one place a workload may name its zone.
type ZoneRequest struct {
	Value, Field string
	Set          bool
}

// ZoneRequests lists the places a workload names its zone, in the order they
// count: the object's label, its annotation, the pod template's label. Field
// is given where the place is set.
func ZoneRequests(w *workload.Workload) []ZoneRequest {
	var buf [3]ZoneRequest
	return slices.Clone(zoneRequests(w, &buf))
}

// zoneRequests fills buf: WorkloadZone runs for every workload in several
// mutators, validators and generators, and needs no copy.
func zoneRequests(w *workload.Workload, buf *[3]ZoneRequest) []ZoneRequest {
	const labelField, annotationField = "metadata.labels[" + v1alpha1.LabelZone + "]", "metadata.annotations[" + v1alpha1.LabelZone + "]"
	out := buf[:0]
	if v, ok := w.Meta.Labels[v1alpha1.LabelZone]; ok {
		out = append(out, ZoneRequest{Value: v, Field: labelField, Set: true})
	}
	if v, ok := w.Meta.Annotations[v1alpha1.LabelZone]; ok {
		out = append(out, ZoneRequest{Value: v, Field: annotationField, Set: true})
	}
	if w.PodMeta != w.Meta { // a Pod is its own template
		if v, ok := w.PodMeta.Labels[v1alpha1.LabelZone]; ok {
			out = append(out, ZoneRequest{Value: v, Field: w.PodMetaPath + ".labels[" + v1alpha1.LabelZone + "]", Set: true})
		}
	}
	return out
}

// WorkloadZone decides the zone of w in env.
func WorkloadZone(w *workload.Workload, env Env) ZoneDecision {
	var buf [3]ZoneRequest
	return DecideZone(env, zoneRequests(w, &buf)...)
}
