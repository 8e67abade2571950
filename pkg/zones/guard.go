package zones

import (
	"context"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy that keeps the zones'
// NetworkPolicies pave's, and its binding.
const GuardName = "pave-zone-network-policies"

// Guard generates, in the NetworkPolicy and Cilium targets, the ValidatingAdmissionPolicy
// that keeps a zone closed against the team inside it. NetworkPolicies only
// ever add allowances, and the built-in edit role may write them: one
// policy admitting every namespace would undo the zone. In an isolated
// namespace, only pave (its namespace's service accounts) and the policy's
// label admins may write the zone's own policies (pave-zone, pave-zone-*),
// or a NetworkPolicy whose rules reach beyond the namespace (a
// namespaceSelector, an ipBlock, or a rule without peers, which admits
// everything). A team's own policy between its own pods stays the team's.
// It runs in the API server, as the namespace label guard does.
type Guard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "zone-policy-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	target := Target(p)
	if target != v1alpha1.IsolationNetworkPolicy && target != v1alpha1.IsolationCilium {
		return nil, nil // off; ClusterNetworkPolicy's Admin tier is above a team's
	}
	if err := g.Known("zone policy guard"); err != nil {
		return nil, err
	}
	iso := p.Spec.Zones.Isolation
	selector := admissionpolicy.Except(append(append(policy.Unisolated(iso), g.PaveNamespace), g.Excluded...))
	if p.Spec.Zones.DefaultZone == "" { // a namespace without a zone has no baseline to undo
		selector.MatchExpressions = append(selector.MatchExpressions, metav1.LabelSelectorRequirement{Key: v1alpha1.LabelZone, Operator: metav1.LabelSelectorOpExists})
	}
	trusted := admissionpolicy.PaveOrItsNamespaceGoing(p.Spec.Namespaces.LabelAdmins, g.PaveNamespace)
	// A peer within the namespace selects pods only; a rule without peers
	// admits every source (or destination).
	local := func(rules, peers string) string {
		return fmt.Sprintf("!has(object.spec.%[1]s) || object.spec.%[1]s.all(r, has(r.%[2]s) && size(r.%[2]s) > 0 && r.%[2]s.all(p, !has(p.namespaceSelector) && !has(p.ipBlock)))", rules, peers)
	}
	// The zone's own policies are NetworkPolicies in the NetworkPolicy target
	// only; in the Cilium target they are CiliumNetworkPolicies, which the
	// edit role does not write, but Cilium enforces a team's NetworkPolicies
	// beside them, and their allowances add up just the same.
	var checks []admissionregistrationv1.Validation
	if target == v1alpha1.IsolationNetworkPolicy {
		checks = append(checks, admissionregistrationv1.Validation{
			Expression: "variables.trusted || !variables.zones",
			MessageExpression: "'NetworkPolicy ' + variables.name + ' is the zone\\'s isolation, written by pave from the PlatformPolicy: " +
				"change a workload\\'s callers through its zone (spec.zones.access), not the policy; ask the platform team'",
		})
	}
	checks = append(checks, admissionregistrationv1.Validation{
		Expression: "variables.trusted || request.operation == 'DELETE' || ((" + local("ingress", "from") + ") && (" + local("egress", "to") + "))",
		MessageExpression: "'NetworkPolicy ' + object.metadata.name + ' reaches beyond namespace ' + object.metadata.namespace + ': " +
			"in a zone, a team\\'s NetworkPolicy may admit only the namespace\\'s own pods (peers with a podSelector alone), " +
			"for policies only add and one namespaceSelector, ipBlock or rule without peers would open the zone; " +
			"which zones and networks a zone reaches is the PlatformPolicy\\'s spec.zones.access: ask the platform team'",
	})
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Group: "networking.k8s.io", Version: "v1", Resources: []string{"networkpolicies"},
		Namespaces: selector,
		// Deleting pave-zone opens the zone until pave writes it again.
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update, admissionregistrationv1.Delete},
		Variables: []admissionregistrationv1.Variable{
			{Name: "trusted", Expression: trusted},
			{Name: "name", Expression: "request.operation == 'DELETE' ? oldObject.metadata.name : object.metadata.name"},
			{Name: "zones", Expression: fmt.Sprintf("variables.name == %q || variables.name.startsWith(%q)", BaselineName, prefix)},
		},
		Validations: checks,
	}), nil
}
