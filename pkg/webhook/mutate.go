package webhook

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gomodules.xyz/jsonpatch/v2"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/workload"
)

// Mutate is the mutating webhook: it completes the workload and answers with
// a JSON patch against the object exactly as the client sent it.
type Mutate struct {
	Common
	// patches lends the buffers answers' patches are encoded into; Serve
	// gives each back once the answer is written around it (patchLender).
	patches buffers
}

// givePatchBack implements patchLender.
func (h *Mutate) givePatchBack(patch []byte) { h.patches.put(patch) }

// Handle implements admission.Handler.
func (h *Mutate) Handle(ctx context.Context, req admission.Request) admission.Response {
	ctx, cancel := context.WithTimeout(ctx, h.Deadline)
	defer cancel()
	// A running Pod's spec is immutable but for images and a few scheduling
	// fields: completing it would be refused by the API server with an error
	// about a field the user never wrote. The validating webhook judges it.
	if req.Kind.Kind == "Pod" && req.Operation == admissionv1.Update && req.SubResource == "" {
		return admission.Allowed("")
	}
	p := h.prepare(ctx, req, false)
	if p.done != nil {
		return *p.done
	}
	if p.obj != nil {
		return h.completeObject(ctx, req, p)
	}
	res, err := p.eng.Mutate(ctx, p.w, p.env)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, err)
	}
	ops, err := res.PatchDecoded(req.Object.Raw) // prepare decoded p.w from it
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("patch %s %s: %w", p.w.Kind, p.w.Name(), err))
	}
	if req.SubResource == SubresourceEphemeral {
		existing := 0
		if p.old != nil {
			existing = len(p.old.PodSpec.EphemeralContainers)
		}
		ops = newEphemeral(ops, existing)
	} else if req.Operation == admissionv1.Update {
		ops = changeable(ops, refixed(req.Kind.Kind, res.Mutated, p.old))
	}
	if len(ops) == 0 {
		return admission.Allowed("")
	}
	h.Metrics.Mutated(res.Mutators)
	return h.patched(res.Mutators, ops)
}

// newEphemeral keeps the operations on the ephemeral containers this request
// adds: through the subresource the API server takes nothing else, and it
// refuses any change to an ephemeral container that already exists.
func newEphemeral(ops []jsonpatch.Operation, existing int) []jsonpatch.Operation {
	const prefix = "/spec/ephemeralContainers/"
	kept := ops[:0]
	for _, op := range ops {
		rest, ok := strings.CutPrefix(op.Path, prefix)
		if !ok {
			continue
		}
		index, _, _ := strings.Cut(rest, "/")
		if i, err := strconv.Atoi(index); err == nil && i >= existing {
			kept = append(kept, op)
		}
	}
	return kept
}

// changeable keeps the operations an update may make: none within fixed.
func changeable(ops []jsonpatch.Operation, fixed []string) []jsonpatch.Operation {
	if len(fixed) == 0 {
		return ops
	}
	return slices.DeleteFunc(ops, func(op jsonpatch.Operation) bool {
		return slices.ContainsFunc(fixed, func(f string) bool { return op.Path == f || strings.HasPrefix(op.Path, f+"/") })
	})
}

// refixed are the fields the API server fixes at creation
// (workload.FixedAtCreation) that the mutation leaves other than stored:
// pave's operations there would have the whole update refused (a new proxy
// in a Job's template, a class that appeared since in a StatefulSet's claim
// templates). Where the mutation gives a field back as stored, its
// operations stay: a client may send it without what pave added at
// creation (a server-side apply drops what its manager owns and no longer
// sends), and the update is refused without them. Without the old object,
// all of them.
func refixed(kind string, mutated, old *workload.Workload) []string {
	fixed := workload.FixedAtCreation(kind)
	if len(fixed) == 0 || old == nil {
		return fixed
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mutated.Object)
	if err != nil {
		return fixed
	}
	o, err := runtime.DefaultUnstructuredConverter.ToUnstructured(old.Object)
	if err != nil {
		return fixed
	}
	return slices.DeleteFunc(slices.Clone(fixed), func(path string) bool {
		keys := strings.Split(strings.TrimPrefix(path, "/"), "/")
		mv, _, _ := unstructured.NestedFieldNoCopy(m, keys...)
		ov, _, _ := unstructured.NestedFieldNoCopy(o, keys...)
		return equality.Semantic.DeepEqual(mv, ov)
	})
}

// completeObject answers for a kind without a pod template, at its creation
// or, where the engine completes its updates, an update.
func (h *Mutate) completeObject(ctx context.Context, req admission.Request, p prepared) admission.Response {
	mutate := p.eng.MutateObject
	if req.Operation == admissionv1.Update {
		mutate = p.eng.MutateObjectUpdate
	}
	res, err := mutate(ctx, p.obj, p.env)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, err)
	}
	ops, err := res.Patch(req.Object.Raw)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("patch %s %s: %w", req.Kind.Kind, p.obj.GetName(), err))
	}
	if len(ops) == 0 {
		return admission.Allowed("")
	}
	h.Metrics.Mutated(res.Mutators)
	return h.patched(res.Mutators, ops)
}

// patched answers with ops, encoded here rather than by Response.Complete,
// which re-validates every value the engine encoded, into a lent buffer.
func (h *Mutate) patched(mutators []string, ops []jsonpatch.Operation) admission.Response {
	patch, err := engine.AppendPatch(h.patches.get(0), ops)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, err)
	}
	resp := admission.Allowed("pave: " + strings.Join(mutators, ", "))
	resp.Patch, resp.PatchType = patch, ptr.To(admissionv1.PatchTypeJSONPatch)
	return resp
}
