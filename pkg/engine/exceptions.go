package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// subject is what an exception is matched against: any object's kind and
// metadata.
type subject struct {
	Kind string
	Meta metav1.Object
}

func workloadSubject(w *workload.Workload) subject { return subject{Kind: w.Kind, Meta: w.Meta} }

// Name is the object's name, or its generateName for a pod not yet named.
func (s subject) Name() string {
	if n := s.Meta.GetName(); n != "" {
		return n
	}
	return s.Meta.GetGenerateName()
}

// applyExceptions marks violations waived by a live PolicyException from a
// namespace the policy trusts. An expired exception that would have matched
// waives nothing and says so in a warning.
func applyExceptions(vs []policy.Violation, w subject, env policy.Env) ([]policy.Violation, []string) {
	if len(env.Exceptions) == 0 || len(vs) == 0 {
		return vs, nil
	}
	trusted := env.Policy.Spec.Exceptions.Namespaces
	var warnings []string
	expiredSeen := map[string]bool{}
	for i := range vs {
		for _, ex := range env.Exceptions {
			if !slices.Contains(trusted, ex.Namespace) || !covers(ex, vs[i].Rule, w, env) {
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
			vs[i].Exception = "PolicyException " + id
			break
		}
	}
	return vs, warnings
}

// WaiverDebug names the policy's allowance for debug containers, as the
// Exception of the findings it waives.
const WaiverDebug = "PlatformPolicy spec.security.ephemeralContainers.relaxedRules"

// waiveDebug marks findings on ephemeral (debug) containers that the policy
// relaxes for them.
func waiveDebug(vs []policy.Violation, p *policy.Policy) {
	relaxed := p.Spec.Security.EphemeralContainers.RelaxedRules
	if len(relaxed) == 0 {
		return
	}
	for i, v := range vs {
		if strings.Contains(v.Field, ".ephemeralContainers[") && v.Exception == "" &&
			slices.ContainsFunc(relaxed, func(r string) bool { return glob(r, v.Rule) }) {
			vs[i].Exception = WaiverDebug
		}
	}
}

// covers reports whether an exception names the rule and matches the object.
// Names match what a team cannot forge: the object's own name, and for an
// object a Kubernetes controller made (the request comes from that
// controller), the workload that owns it, so an exception for a Deployment
// also covers its ReplicaSets and their pods. Labels never match: anyone who
// may create a workload may set app.kubernetes.io/name on it.
func covers(ex v1alpha1.PolicyException, rule string, w subject, env policy.Env) bool {
	m := ex.Spec.Match
	if !slices.ContainsFunc(ex.Spec.Rules, func(r string) bool { return glob(r, rule) }) {
		return false
	}
	nss := m.Namespaces
	if len(nss) == 0 {
		nss = []string{ex.Namespace}
	}
	if !slices.ContainsFunc(nss, func(n string) bool { return glob(n, env.Namespace.Name) }) {
		return false
	}
	if len(m.Kinds) > 0 && !slices.Contains(m.Kinds, w.Kind) {
		return false
	}
	owner := trustedOwner(w, env.User)
	return slices.ContainsFunc(m.Names, func(n string) bool {
		return glob(n, w.Name()) || (owner != "" && glob(n, owner))
	})
}

// trustedOwner names the workload that owns w when a controller made w, or
// "". A ReplicaSet's pods are named after their Deployment: the ReplicaSet's
// name less the pod-template-hash the Deployment controller appended.
func trustedOwner(w subject, user policy.User) string {
	if !user.Controller() {
		return ""
	}
	ref := metav1.GetControllerOfNoCopy(w.Meta)
	if ref == nil {
		return ""
	}
	if ref.Kind == "ReplicaSet" {
		if hash := w.Meta.GetLabels()["pod-template-hash"]; hash != "" {
			if name, ok := strings.CutSuffix(ref.Name, "-"+hash); ok {
				return name
			}
		}
	}
	return ref.Name
}

// glob matches a pattern with an optional trailing "*".
func glob(pattern, s string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, p)
	}
	return pattern == s
}
