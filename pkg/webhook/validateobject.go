package webhook

import (
	"context"
	"net/http"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// judgeObject answers for a governed kind without a pod template: the same
// outcomes, denial and warnings as for a workload, without companions.
func (h *Validate) judgeObject(ctx context.Context, req admission.Request, p prepared) admission.Response {
	violations, notes, err := p.eng.ValidateObject(ctx, p.obj, p.oldObj, p.env)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, err)
	}
	kind := p.obj.GetObjectKind().GroupVersionKind().Kind
	h.audit(req, p.eng.Policy(), p.generation, p.obj.GetName(), violations)
	denied, warnings := h.split(violations, notes, req.Namespace)
	if len(denied) > 0 {
		h.Log.Info("denied", "kind", kind, "namespace", req.Namespace, "name", p.obj.GetName(), "user", req.UserInfo.Username, "rules", ruleIDs(denied))
		return admission.Denied(Denial(kind, req.Namespace, p.obj.GetName(), denied)).WithWarnings(warnings...)
	}
	return admission.Allowed("").WithWarnings(warnings...)
}
