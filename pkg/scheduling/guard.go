package scheduling

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy that refuses teams' Pods
// that name their node, and its binding.
const GuardName = "pave-pod-node-names"

// object is engine.Object: the same alias of the same interface literal.
type object = admissionpolicy.Object

// Guard generates the ValidatingAdmissionPolicy that refuses a Pod created
// with spec.nodeName in the namespaces pave governs. Such a Pod skips the
// scheduler, and with it every NoSchedule taint: a team member could run one
// on a control-plane node, or on nodes set apart for another team. It judges
// creation only, and is a ValidatingAdmissionPolicy rather than a rule of
// pave's webhook for that: every scheduled Pod has a node name, so a rule
// would report it on each later update. Nodes (mirror Pods), the control
// plane's service accounts, pave's and the platform team may.
type Guard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "pod-node-name-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	if err := g.Known("pod node name guard"); err != nil {
		return nil, err
	}
	trusted := admissionpolicy.Trusted(p.Spec.Namespaces.LabelAdmins, "system:nodes", admissionpolicy.ServiceAccounts(g.PaveNamespace)) +
		" || " + admissionpolicy.ControlPlane
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Version: "v1", Resources: []string{"pods"},
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
		Namespaces: admissionpolicy.Except(g.Ungoverned()),
		Variables:  []admissionregistrationv1.Variable{{Name: "trusted", Expression: trusted}},
		Validations: []admissionregistrationv1.Validation{{
			Expression: "variables.trusted || !has(object.spec.nodeName) || object.spec.nodeName == ''",
			MessageExpression: "'Pod ' + object.metadata.name + ' names node ' + object.spec.nodeName + ' (spec.nodeName): a Pod that names its node skips the scheduler and every taint, " +
				"the control plane\\'s and those setting nodes apart for other teams; leave spec.nodeName out and choose nodes with a nodeSelector or node affinity'",
		}},
	}), nil
}
