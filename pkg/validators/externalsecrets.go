package validators

import (
	"cmp"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/policy"
)

// teamsOperatorObject is obj, an External Secrets Operator object read
// unstructured, where it is a team's: not in the operator's namespace
// (spec.secrets.operatorNamespace) or a namespace the zones leave alone,
// which are the platform's own.
func teamsOperatorObject(obj object, env policy.Env) (*unstructured.Unstructured, bool) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil, false
	}
	ns := cmp.Or(u.GetNamespace(), env.Namespace.Name)
	if policy.Infrastructure(env.Policy.Spec.Zones.Isolation, ns) || ns == env.Policy.Spec.Secrets.OperatorNamespace {
		return nil, false
	}
	return u, true
}
