package storage

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// GuardName names the ValidatingAdmissionPolicy that keeps team members from
// binding a claim to a volume of their choosing, and its binding.
const GuardName = "pave-claimed-volumes"

// boundVolumeWhy is why a claim names no volume, in the guard's message and
// the template rule's alike. It is written into a single-quoted CEL string:
// no quotes.
const boundVolumeWhy = "a volume chosen by name may be one provisioned for another namespace, with its data; leave spec.volumeName out and let the StorageClass provision the claim a volume of its own, or ask the platform team to reserve a pre-provisioned one for the claim (its spec.claimRef)"

// Guard generates the ValidatingAdmissionPolicy that lets only the platform
// and the control plane set a PersistentVolumeClaim's spec.volumeName in the
// namespaces pave governs. The edit role writes claims, and a claim that
// names a PersistentVolume binds to it if it is Available: a team member
// could take a volume the platform made for another team, with its data.
// The PV controller sets the field when it binds a claim (with kube-system's
// service accounts or the controller manager's credentials), Velero when it
// restores one; both stay trusted, and so does a claim keeping the volume it
// has. Claims in templates (a StatefulSet's, a pod's ephemeral volumes) are
// made by those controllers, so the engine judges the templates
// (VolumeNames); this guard judges the claims written directly.
type Guard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "claimed-volumes-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	if err := g.Known("claimed volumes guard"); err != nil {
		return nil, err
	}
	velero := p.Spec.Backups.VeleroNamespace
	trusted := admissionpolicy.Trusted(p.Spec.Namespaces.LabelAdmins, admissionpolicy.ServiceAccounts(g.PaveNamespace), admissionpolicy.ServiceAccounts(velero)) +
		" || " + admissionpolicy.ControlPlane
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: GuardName, Version: "v1", Resources: []string{"persistentvolumeclaims"},
		Namespaces: admissionpolicy.Except(g.Ungoverned()),
		Variables: []admissionregistrationv1.Variable{
			{Name: "trusted", Expression: trusted},
			{Name: "volume", Expression: "has(object.spec.volumeName) ? object.spec.volumeName : ''"},
			{Name: "kept", Expression: "oldObject != null && has(oldObject.spec.volumeName) && oldObject.spec.volumeName == variables.volume"},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: "variables.trusted || variables.volume == '' || variables.kept",
			MessageExpression: "'PersistentVolumeClaim ' + object.metadata.name + ' names PersistentVolume ' + variables.volume + ' (spec.volumeName): " +
				boundVolumeWhy + "'",
		}},
	}), nil
}
