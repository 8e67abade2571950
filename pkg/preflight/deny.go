package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
)

// denyFindings runs the engine over the workloads already running, under
// the policy about to be installed: each that it would deny is reported.
// pave does not deny what already runs (a finding an object already had
// only warns on UPDATE), but its next change that touches those fields is
// denied, so the team should know now.
func denyFindings(ctx context.Context, p *policy.Policy, c Cluster) ([]Finding, error) {
	eng, err := companions.Engine(p)
	if err != nil {
		return nil, err
	}
	skip := v1alpha1.Ungoverned(c.PaveNamespace)
	var out []Finding
	for _, w := range c.Workloads {
		ns := w.Meta.Namespace
		if slices.Contains(skip, ns) {
			continue
		}
		env := policy.Env{Policy: p, Namespace: policy.Namespace{Name: ns, Labels: c.Namespaces[ns]}}
		res, err := eng.Run(ctx, w, env)
		if err != nil {
			return nil, fmt.Errorf("judge %s %s/%s: %w", w.Kind, ns, w.Name(), err)
		}
		if res.Allowed() {
			continue
		}
		var rules []string
		for _, v := range res.Violations {
			if v.Denies() {
				rules = append(rules, fmt.Sprintf("%s (%s)", v.Rule, v.Field))
			}
		}
		out = append(out, Finding{Check: "policy-would-deny", Severity: "medium", Subject: fmt.Sprintf("%s %s/%s", w.Kind, ns, w.Name()),
			Message: "runs today, but the policy denies it: " + strings.Join(rules, "; ") + ". It keeps running; its next change there is denied",
			Fix:     fmt.Sprintf("pave check the workload's manifest for the fix of each rule (kubectl get %s -n %s %s -o yaml | pave check -), or grant a PolicyException", strings.ToLower(w.Kind), ns, w.Name())})
	}
	return out, nil
}
