// Package namespaces guards the namespace labels pave takes as the truth.
package namespaces

import (
	"context"
	"fmt"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy and its binding.
const GuardName = "pave-guarded-namespace-labels"

// object is engine.Object: the same alias of the same interface literal.
type object = admissionpolicy.Object

// Guard generates the ValidatingAdmissionPolicy that lets only the platform
// team (the policy's label admins and system:masters, as in every guard)
// set or change a Namespace's guarded labels (zone, tier, team, and
// Kubernetes' DRA admin access).
// It runs inside the API server: no webhook on Namespaces that could stall
// their deletion when pave is down.
type Guard struct{}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "namespace-label-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	admins := p.Spec.Namespaces.LabelAdmins
	guarded := v1alpha1.GuardedLabels()
	platform := admissionpolicy.PlatformGroups(admins)
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Version: "v1", Resources: []string{"namespaces"},
		Variables: []admissionregistrationv1.Variable{
			{Name: "admin", Expression: admissionpolicy.Trusted(admins)},
			{Name: "labels", Expression: "has(object.metadata.labels) ? object.metadata.labels : {}"},
			{Name: "old", Expression: "oldObject != null && has(oldObject.metadata.labels) ? oldObject.metadata.labels : {}"},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: fmt.Sprintf("variables.admin || %s.all(k, (k in variables.labels ? variables.labels[k] : '') == (k in variables.old ? variables.old[k] : ''))", admissionpolicy.List(guarded)),
			MessageExpression: fmt.Sprintf("'only members of %s may set or change the namespace labels %s: they decide its network zone, quota, owner and reach to other namespaces\\' devices; ask the platform team'",
				strings.Join(platform, ", "), strings.Join(guarded, ", ")),
		}},
	}), nil
}
