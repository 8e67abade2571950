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
	// Namespace is the namespace's zone, and NamespaceSource says where it came
	// from (the namespace's label, or the policy's default).
	Namespace, NamespaceSource string
	// Requested is what the workload itself names (label or annotation) and
	// RequestedAt the field that names it; RequestedAt is "" when it names none.
	Requested, RequestedAt string
	// Refused says why Requested is not in force, or "" when it is (or none was
	// requested).
	Refused string
}

// DecideZone decides the zone of a workload whose own labels and annotations
// (object first, then pod template) are given as candidates with their field
// paths. The first candidate that is set is the workload's request.
func DecideZone(env Env, requests ...ZoneRequest) ZoneDecision {
	d := ZoneDecision{Namespace: env.Namespace.Labels[v1alpha1.LabelZone]}
	if d.Namespace != "" {
		d.NamespaceSource = fmt.Sprintf("the label %s of namespace %s", v1alpha1.LabelZone, env.Namespace.Name)
	} else {
		d.Namespace, d.NamespaceSource = env.Policy.Spec.Zones.DefaultZone, "the policy's default zone"
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
// count: the object's label, its annotation, the pod template's label.
func ZoneRequests(w *workload.Workload) []ZoneRequest {
	req := func(m map[string]string, field string) ZoneRequest {
		v, ok := m[v1alpha1.LabelZone]
		return ZoneRequest{Value: v, Field: field + "[" + v1alpha1.LabelZone + "]", Set: ok}
	}
	out := []ZoneRequest{req(w.Meta.Labels, "metadata.labels"), req(w.Meta.Annotations, "metadata.annotations")}
	if w.PodMeta != w.Meta { // a Pod is its own template
		out = append(out, req(w.PodMeta.Labels, w.PodMetaPath+".labels"))
	}
	return out
}

// WorkloadZone decides the zone of w in env.
func WorkloadZone(w *workload.Workload, env Env) ZoneDecision {
	return DecideZone(env, ZoneRequests(w)...)
}
