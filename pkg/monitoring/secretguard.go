package monitoring

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// SecretGuardName names the ValidatingAdmissionPolicy that keeps teams'
// dashboards out of Secrets, and its binding.
const SecretGuardName = "pave-dashboard-secrets"

// SecretGuard generates, when the policy writes dashboards, the
// ValidatingAdmissionPolicy that refuses a team's Secret labelled for the
// Grafana sidecar. The Grafana chart's sidecar reads dashboards from
// Secrets as from ConfigMaps (resource: both), into the same folder, and
// a team member may write Secrets; rule dashboard-scope judges the
// ConfigMaps, but a Secret's data reaches pave's webhook nowhere, and
// sending every Secret write in the cluster to a webhook to read the few
// that are dashboards is a worse trade than asking for a ConfigMap. The
// check needs the labels alone, so it runs in the API server. The
// platform team may write one.
type SecretGuard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (SecretGuard) Name() string { return "dashboard-secret-guard" }

// Kinds implements engine.ClusterGenerator.
func (SecretGuard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g SecretGuard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	dashboards := p.Spec.Monitoring.Dashboards
	if !dashboards.On() || len(dashboards.Labels) == 0 {
		return nil, nil // pave writes no dashboard a team's could replace
	}
	if err := g.Known("dashboard secret guard"); err != nil {
		return nil, err
	}
	labels := slices.Sorted(maps.Keys(dashboards.Labels))
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: SecretGuardName, Version: "v1", Resources: []string{"secrets"},
		Namespaces: admissionpolicy.Except(append(g.Ungoverned(), policy.MonitoringPlatform(p.Spec.Zones.Isolation)...)),
		Variables: []admissionregistrationv1.Variable{
			{Name: "admin", Expression: admissionpolicy.Trusted(p.Spec.Namespaces.LabelAdmins)},
			{Name: "labels", Expression: "has(object.metadata.labels) ? object.metadata.labels : {}"},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: fmt.Sprintf("variables.admin || !%s.exists(k, k in variables.labels)", admissionpolicy.List(labels)),
			MessageExpression: fmt.Sprintf("'Secret ' + object.metadata.name + ' carries the label %s, so the Grafana sidecar reads it as a dashboard, where pave cannot judge it (rule dashboard-scope): "+
				"ship the dashboard as a ConfigMap with that label, or remove the label'", strings.Join(labels, ", ")),
		}},
	}), nil
}
