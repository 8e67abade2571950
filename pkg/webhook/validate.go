package webhook

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

// Validate is the validating webhook: it judges the workload as it will be
// stored, after every mutation, and denies what breaks an enforced rule.
type Validate struct {
	Common
	Log logr.Logger
}

// Handle implements admission.Handler.
func (h *Validate) Handle(ctx context.Context, req admission.Request) admission.Response {
	ctx, cancel := context.WithTimeout(ctx, h.Deadline)
	defer cancel()
	p := h.prepare(ctx, req, true)
	if p.done != nil {
		return *p.done
	}
	violations, notes := p.eng.Validate(ctx, p.w, p.env)
	var denied []policy.Violation
	warnings := append([]string(nil), notes...)
	for _, v := range violations {
		switch {
		case v.Denies():
			denied = append(denied, v)
		case v.Exception != "" || v.Mode == v1alpha1.ModeAudit:
			h.Log.Info("finding recorded", "rule", v.Rule, "mode", v.Mode, "exception", v.Exception,
				"kind", p.w.Kind, "namespace", req.Namespace, "name", p.w.Name(), "field", v.Field, "user", req.UserInfo.Username)
		case v.Mode == v1alpha1.ModeWarn:
			warnings = append(warnings, Warning(v))
		}
	}
	// A server-side dry run shows what pave's controller would create, so
	// kubectl apply --dry-run=server answers "what will this do" completely.
	if req.DryRun != nil && *req.DryRun && len(denied) == 0 {
		objs, err := p.eng.Generate(ctx, p.w, p.env)
		if err != nil {
			return admission.Errored(http.StatusInternalServerError, err)
		}
		for _, o := range objs {
			warnings = append(warnings, "pave would create "+engine.Describe(o))
		}
	}
	if len(denied) > 0 {
		h.Log.Info("denied", "kind", p.w.Kind, "namespace", req.Namespace, "name", p.w.Name(), "user", req.UserInfo.Username, "rules", ruleIDs(denied))
		return admission.Denied(Denial(p.w.Kind, req.Namespace, p.w.Name(), denied)).WithWarnings(warnings...)
	}
	return admission.Allowed("").WithWarnings(warnings...)
}

// Denial is the message of a denied request: every violation with its rule,
// field and fix, one per line, so kubectl shows the whole story at once.
func Denial(kind, namespace, name string, vs []policy.Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pave denied %s %s/%s (%d violation", kind, namespace, name, len(vs))
	if len(vs) != 1 {
		b.WriteByte('s')
	}
	b.WriteString("):")
	for _, v := range vs {
		fmt.Fprintf(&b, "\n- [%s] %s: %s. Fix: %s", v.Rule, v.Field, v.Message, v.Fix)
	}
	return b.String()
}

// Warning formats a warn-mode violation for kubectl's "Warning:" lines.
func Warning(v policy.Violation) string {
	return fmt.Sprintf("pave [%s] %s: %s. Fix: %s", v.Rule, v.Field, v.Message, v.Fix)
}

func ruleIDs(vs []policy.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Rule
	}
	return out
}
