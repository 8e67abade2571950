package storage

import (
	"context"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// ReserveGuardName names the ValidatingAdmissionPolicy that keeps a volume
// reserved for no claim from a team's claim, and its binding.
const ReserveGuardName = "pave-reserved-volumes"

// unreservedWhy is why such a binding is refused, in the guard's message
// and preflight's alike. It is written into a single-quoted CEL string: no
// quotes.
const unreservedWhy = "the control plane binds a claim to any Available volume of its class that fits it, whatever its namespace, before it provisions one, and a volume made by hand (or released and made Available again) may hold the data of another namespace"

// reserveFix is what the platform team does about an unreserved volume. A
// claim's spec.volumeName alone does not reserve one: binding still sets the
// volume's claimRef, which the guard refuses.
const reserveFix = "reserve the volume for the claim it is for, by setting its spec.claimRef (namespace and name); or, for an empty volume of a pool any team may take, label it " +
	v1alpha1.LabelSharedVolume + "=true"

// ReserveGuard generates the ValidatingAdmissionPolicy that refuses binding
// a PersistentVolume reserved for no claim to a claim of a namespace pave
// governs. Guard keeps a team member from naming a volume; but the PV
// controller (and the scheduler, for a class that waits for its first
// consumer) binds a claim that names none to the smallest Available volume
// of its class that fits it, and only then provisions one. So a volume the
// platform made for one team went to the first claim of another that fitted
// it. Binding such a volume sets its whole spec.claimRef, the claim's uid
// with it, on a volume that had none; a volume made for its claim (every
// provisioner's, Velero's restores) has one from its creation, and one the
// platform team reserves gets the claim's namespace and name, so both are
// bound without that update. A volume labelled LabelSharedVolume may go to
// any claim. Binding is the control plane's act, so the guard judges what
// the update writes, not who writes it: a controller manager may run as
// system:masters, the group every other guard trusts.
type ReserveGuard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (ReserveGuard) Name() string { return "reserved-volumes-guard" }

// Kinds implements engine.ClusterGenerator.
func (ReserveGuard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g ReserveGuard) GenerateCluster(context.Context, *policy.Policy) ([]object, error) {
	if err := g.Known("reserved volumes guard"); err != nil {
		return nil, err
	}
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: ReserveGuardName, Version: "v1", Resources: []string{"persistentvolumes"},
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Update},
		Variables: []admissionregistrationv1.Variable{
			{Name: "binds", Expression: "!has(oldObject.spec.claimRef) && has(object.spec.claimRef) && has(object.spec.claimRef.uid) && object.spec.claimRef.uid != ''"},
			{Name: "claimNamespace", Expression: "has(object.spec.claimRef) && has(object.spec.claimRef.namespace) ? object.spec.claimRef.namespace : ''"},
			{Name: "claimName", Expression: "has(object.spec.claimRef) && has(object.spec.claimRef.name) ? object.spec.claimRef.name : ''"},
			{Name: "shared", Expression: fmt.Sprintf("has(object.metadata.labels) && %q in object.metadata.labels && object.metadata.labels[%q] == 'true'",
				v1alpha1.LabelSharedVolume, v1alpha1.LabelSharedVolume)},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: fmt.Sprintf("!variables.binds || variables.shared || variables.claimNamespace in %s || variables.claimNamespace == ''",
				admissionpolicy.List(g.Ungoverned())),
			MessageExpression: "'PersistentVolume ' + object.metadata.name + ' is reserved for no claim, so it is not bound to PersistentVolumeClaim ' + variables.claimNamespace + '/' + variables.claimName + ': " +
				unreservedWhy + ". The platform team may " + reserveFix + "'",
		}},
	}), nil
}
