package check

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/pave-dev/pave/pkg/manifest"
)

// ownCompanions reports as pave's own every object of the input that is
// exactly a companion pave's controller writes for a workload of the same
// input: what `pave check --render` printed, checked again. Admission
// never judges those writes (the webhooks' matchConditions skip pave's
// service accounts), and some would fail the rules a team's objects are
// held to: a workload's SLO rule records the pave_slo: series no team may
// record. A copy that differs in anything is judged as a team's object,
// and so is every copy with --as-team, which judges what a team member's
// kubectl apply of the input would meet.
//
// Without --render the companions were only named, so a workload is
// rendered again when the input holds an object of a companion's name:
// never for input that holds none.
func (j *judge) ownCompanions(ctx context.Context, objs []manifest.Object, checked []Object, errs []error) {
	if j.opts.ParseOnly || len(j.opts.Guards) > 0 {
		return // --as-team: judged as a team member's apply of them would be
	}
	// The objects that could be companions: judged, and naming none. A run
	// of workloads alone (the common one) stops here without allocating.
	var candidates []int
	for k := range checked {
		if r := &checked[k]; errs[k] == nil && r.Skipped == "" && len(r.Companions) == 0 && r.Kind != "" {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return
	}
	owner := make(map[string]int, len(candidates)) // the first workload naming each
	for _, k := range candidates {
		owner[checked[k].Described()] = -1
	}
	for i := range checked {
		for _, c := range checked[i].Companions {
			if w, ok := owner[c]; ok && w < 0 && errs[i] == nil {
				owner[c] = i
			}
		}
	}
	rendered := map[int]*Object{} // workloads rendered again, once each
	for _, k := range candidates {
		r := &checked[k]
		key := r.Described()
		w := owner[key]
		if w < 0 {
			continue
		}
		src := &checked[w]
		if src.RenderedCompanions == nil {
			if rendered[w] == nil {
				opts := *j.opts
				opts.Render = true
				again := &Object{}
				if err := (&judge{opts: &opts, env: j.env, ns: j.ns}).byRules(ctx, &objs[w], again); err != nil {
					continue // judged as it was
				}
				rendered[w] = again
			}
			src = rendered[w]
		}
		i := slices.Index(src.Companions, key)
		if i < 0 || i >= len(src.RenderedCompanions) || !sameJSON(objs[k].JSON, src.RenderedCompanions[i]) {
			continue
		}
		*r = Object{Source: r.Source, Line: r.Line, APIVersion: r.APIVersion, Kind: r.Kind, Name: r.Name, Namespace: r.Namespace, Allowed: true,
			Skipped: fmt.Sprintf("pave's own companion of %s %s/%s: its controller writes it, unjudged; apply the workload without it", checked[w].Kind, checked[w].Namespace, checked[w].Called())}
		if j.opts.Render {
			r.Rendered = objs[k].JSON
		}
	}
}

// listOnce leaves each companion named by the first object of the input
// that names it: a namespace's companions (its quota, its zone's
// NetworkPolicy, its backup Schedule) come with every workload of the
// namespace, and fifty workloads of one namespace listed them fifty times,
// as if each made its own. A workload's own companions are its alone.
func listOnce(checked []Object) {
	listed := map[string]bool{}
	for i := range checked {
		r := &checked[i]
		if len(r.Companions) == 0 {
			continue
		}
		rendered := len(r.RenderedCompanions) == len(r.Companions)
		kept := r.Companions[:0:0]
		var keptJSON []json.RawMessage
		for j, c := range r.Companions {
			if listed[c] {
				continue
			}
			listed[c] = true
			kept = append(kept, c)
			if rendered {
				keptJSON = append(keptJSON, r.RenderedCompanions[j])
			}
		}
		r.Companions = kept
		if rendered {
			r.RenderedCompanions = keptJSON
		}
	}
}

// sameJSON reports whether two JSON documents hold the same value, however
// they are spaced and ordered.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
