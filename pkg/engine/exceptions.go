package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// applyExceptions marks violations waived by a live PolicyException from a
// namespace the policy trusts. An expired exception that would have matched
// waives nothing and says so in a warning.
func applyExceptions(vs []policy.Violation, w *workload.Workload, env policy.Env) ([]policy.Violation, []string) {
	if len(env.Exceptions) == 0 || len(vs) == 0 {
		return vs, nil
	}
	trusted := env.Policy.Spec.Exceptions.Namespaces
	var warnings []string
	expiredSeen := map[string]bool{}
	for i := range vs {
		for _, ex := range env.Exceptions {
			if !slices.Contains(trusted, ex.Namespace) || !covers(ex, vs[i].Rule, w, env.Namespace.Name) {
				continue
			}
			id := ex.Namespace + "/" + ex.Name
			if !env.Now.Before(ex.Spec.ExpiresAt.Time) {
				if !expiredSeen[id] {
					expiredSeen[id] = true
					warnings = append(warnings, fmt.Sprintf("PolicyException %s expired at %s and no longer waives %s; renew it or fix the workload",
						id, ex.Spec.ExpiresAt.UTC().Format(time.RFC3339), strings.Join(ex.Spec.Rules, ", ")))
				}
				continue
			}
			vs[i].Exception = id
			break
		}
	}
	return vs, warnings
}

// covers reports whether an exception names the rule and matches the workload.
// Names match the workload's name or its app.kubernetes.io/name label, so an
// exception for a Deployment also covers the pods its ReplicaSets create.
func covers(ex v1alpha1.PolicyException, rule string, w *workload.Workload, namespace string) bool {
	m := ex.Spec.Match
	if !slices.ContainsFunc(ex.Spec.Rules, func(r string) bool { return glob(r, rule) }) {
		return false
	}
	nss := m.Namespaces
	if len(nss) == 0 {
		nss = []string{ex.Namespace}
	}
	if !slices.ContainsFunc(nss, func(n string) bool { return glob(n, namespace) }) {
		return false
	}
	if len(m.Kinds) > 0 && !slices.Contains(m.Kinds, w.Kind) {
		return false
	}
	app := w.Meta.Labels[policy.LabelName]
	return slices.ContainsFunc(m.Names, func(n string) bool {
		return glob(n, w.Name()) || (app != "" && glob(n, app))
	})
}

// glob matches a pattern with an optional trailing "*".
func glob(pattern, s string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, p)
	}
	return pattern == s
}
