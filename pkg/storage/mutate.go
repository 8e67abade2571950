package storage

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

var claimKind = schema.GroupVersionKind{Version: "v1", Kind: "PersistentVolumeClaim"}

// ClaimClass gives a PersistentVolumeClaim that names no StorageClass the
// encrypted default. The API server's DefaultStorageClass plugin runs before
// any webhook: where the cluster has a default class, the claim arrives
// naming it, and the encrypted-volumes rule judges that class.
type ClaimClass struct{}

// Name implements engine.ObjectMutator.
func (ClaimClass) Name() string { return "storage-class" }

// Kinds implements engine.ObjectMutator.
func (ClaimClass) Kinds() []schema.GroupVersionKind { return []schema.GroupVersionKind{claimKind} }

// MutateObject implements engine.ObjectMutator.
func (ClaimClass) MutateObject(_ context.Context, obj object, env policy.Env) (bool, error) {
	pvc, ok := obj.(*corev1.PersistentVolumeClaim)
	if !ok {
		return false, nil
	}
	return setClass(&pvc.Spec, env), nil
}

// TemplateClasses gives the claims a workload makes — a StatefulSet's
// volumeClaimTemplates, a pod's generic ephemeral volumes — the encrypted
// default where they name no class.
type TemplateClasses struct{}

// Name implements engine.Mutator.
func (TemplateClasses) Name() string { return "storage-class" }

// Scope implements engine.Scoped: the storage class of a StatefulSet's
// claim templates and of the pods' ephemeral volumes.
func (TemplateClasses) Scope() []string {
	return []string{"spec.volumeClaimTemplates.*.spec.storageClassName", "pod.spec.volumes.*.ephemeral.volumeClaimTemplate.spec.storageClassName"}
}

// Mutate implements engine.Mutator.
func (TemplateClasses) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	changed := false
	for _, c := range workload.Claims(w) {
		changed = setClass(c.Spec, env) || changed
	}
	return changed, nil
}

func setClass(spec *corev1.PersistentVolumeClaimSpec, env policy.Env) bool {
	if spec.StorageClassName != nil {
		return false // "" too: a claim on a pre-provisioned volume
	}
	class, ok := DefaultClass(env)
	if !ok {
		return false
	}
	spec.StorageClassName = &class
	return true
}
