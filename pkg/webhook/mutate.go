package webhook

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// Mutate is the mutating webhook: it completes the workload and answers with
// a JSON patch against the object exactly as the client sent it.
type Mutate struct{ Common }

// Handle implements admission.Handler.
func (h *Mutate) Handle(ctx context.Context, req admission.Request) admission.Response {
	ctx, cancel := context.WithTimeout(ctx, h.Deadline)
	defer cancel()
	p := h.prepare(ctx, req, false)
	if p.done != nil {
		return *p.done
	}
	res, err := p.eng.Mutate(ctx, p.w, p.env)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, err)
	}
	ops, err := res.Patch(req.Object.Raw)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("patch %s %s: %w", p.w.Kind, p.w.Name(), err))
	}
	if len(ops) == 0 {
		return admission.Allowed("")
	}
	return admission.Patched("pave: "+strings.Join(res.Mutators, ", "), ops...)
}
