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
	if p.obj != nil {
		return h.judgeObject(ctx, req, p)
	}
	violations, notes, err := p.eng.ValidateUpdate(ctx, p.w, p.old, p.env)
	if err != nil {
		// Fail closed, with a message a user can act on.
		return admission.Errored(http.StatusInternalServerError, err)
	}
	h.audit(req, p.eng.Policy(), p.generation, p.w.Name(), violations)
	denied, warnings := h.split(violations, notes, req.Namespace)
	// A server-side dry run shows what pave's controller would write (create,
	// or update where it is there already: the admission server does not
	// know which), so kubectl apply --dry-run=server answers "what will this
	// do" completely; of a kind the cluster does not serve, it writes nothing.
	if req.DryRun != nil && *req.DryRun && len(denied) == 0 {
		p.env.NamesOnly = true // named in warnings, not created
		objs, err := p.eng.Generate(ctx, p.w, p.env)
		if err != nil {
			return admission.Errored(http.StatusInternalServerError, err)
		}
		nsObjs, err := p.eng.GenerateNamespace(ctx, p.env)
		if err != nil {
			return admission.Errored(http.StatusInternalServerError, err)
		}
		objs = append(objs, nsObjs...)
		for _, o := range objs {
			if p.env.Serves(o.GetObjectKind().GroupVersionKind()) {
				warnings = append(warnings, "pave would write "+engine.Describe(o))
			}
		}
	}
	if len(denied) > 0 {
		h.Log.Info("denied", "kind", p.w.Kind, "namespace", req.Namespace, "name", p.w.Name(), "user", req.UserInfo.Username, "rules", ruleIDs(denied))
		return admission.Denied(Denial(p.w.Kind, req.Namespace, p.w.Name(), denied)).WithWarnings(warnings...)
	}
	return admission.Allowed("").WithWarnings(warnings...)
}

// split sorts findings by what they do: those that deny, and the warnings
// kubectl prints (after notes). Record-mode findings are the audit's alone.
func (h *Validate) split(vs []policy.Violation, notes []string, namespace string) ([]policy.Violation, []string) {
	var denied []policy.Violation
	warnings := append([]string(nil), notes...)
	for _, v := range vs {
		h.Metrics.Finding(v, namespace)
		switch v.Outcome() {
		case policy.OutcomeDeny:
			denied = append(denied, v)
		case policy.OutcomeWarn, policy.OutcomeWaived:
			warnings = append(warnings, Warning(v))
		}
	}
	return denied, warnings
}

// Denial is the message of a denied request: every violation with its rule,
// field and fix, one per line, so kubectl shows the whole story at once. The
// engine bounds how many there are and how long each is.
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

// Warning formats a finding that admits for kubectl's "Warning:" lines, saying
// why it does not deny.
func Warning(v policy.Violation) string {
	why := ""
	switch {
	case v.Exception != "":
		why = " (waived by " + v.Exception + ")"
	case v.Preexisting && v.Mode != v1alpha1.ModeWarn:
		why = " (present before this update; it is denied once that part changes)"
	}
	return fmt.Sprintf("pave [%s] %s: %s%s. Fix: %s", v.Rule, v.Field, v.Message, why, v.Fix)
}

func ruleIDs(vs []policy.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Rule
	}
	return out
}
