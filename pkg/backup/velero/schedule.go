// Package velero generates the Velero Schedule that backs up a namespace
// (docs/data.md). It is apart from package backup, whose mutator and
// validator the admission server runs, so that the admission server does not
// link Velero's API (docs/performance.md).
package velero

import (
	"context"
	"time"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

const (
	defaultTTL       = 30 * 24 * time.Hour
	defaultNamespace = "velero"
)

// VeleroNamespace is where Velero reads Schedules, by the policy.
func VeleroNamespace(p *policy.Policy) string {
	if ns := p.Spec.Backups.VeleroNamespace; ns != "" {
		return ns
	}
	return defaultNamespace
}

// Schedule generates a namespace's Velero Schedule: every object of the
// namespace, and the volumes its pods name for backup, on the policy's
// schedule. It lives in Velero's namespace (Velero reads no other), named
// pave-<namespace>, and is owned by the Namespace, so the garbage collector
// removes it with the namespace.
type Schedule struct{}

// Name implements engine.NamespaceGenerator.
func (Schedule) Name() string { return "backup-schedule" }

// Kinds implements engine.NamespaceGenerator.
func (Schedule) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{velerov1.SchemeGroupVersion.WithKind("Schedule")}
}

// Namespaces implements engine.Elsewhere: the Schedules live in Velero's
// namespace, where the namespace reconciler prunes them too.
func (Schedule) Namespaces(p *policy.Policy) []string { return []string{VeleroNamespace(p)} }

// GenerateNamespace implements engine.NamespaceGenerator.
func (Schedule) GenerateNamespace(_ context.Context, env policy.Env) ([]object, error) {
	b := env.Policy.Spec.Backups
	if !b.On() || env.Namespace.Name == VeleroNamespace(env.Policy) {
		return nil, nil
	}
	ttl := defaultTTL
	if b.TTL != nil {
		ttl = b.TTL.Duration
	}
	useOwners := false
	// Pave names each pod's data volumes for Velero (opt-in); unset, the
	// template takes the Velero server's --default-volumes-to-fs-backup, and
	// where that is on, Velero copies every volume instead and honours a
	// team's backup.velero.io/backup-volumes-excludes, which could leave the
	// data out (Velero's podvolume.GetVolumesByPod). Off, the excludes are
	// ignored and the volumes pave names are the ones copied.
	allVolumes := false
	s := &velerov1.Schedule{
		TypeMeta: metav1.TypeMeta{APIVersion: velerov1.SchemeGroupVersion.String(), Kind: "Schedule"},
		ObjectMeta: metav1.ObjectMeta{Name: "pave-" + env.Namespace.Name, Namespace: VeleroNamespace(env.Policy),
			Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}},
		Spec: velerov1.ScheduleSpec{
			Schedule:                   b.Schedule,
			UseOwnerReferencesInBackup: &useOwners,
			Template: velerov1.BackupSpec{
				IncludedNamespaces: []string{env.Namespace.Name},
				TTL:                metav1.Duration{Duration: ttl},
				StorageLocation:    b.StorageLocation,
				// The volumes the pods name, not all of them: see above.
				DefaultVolumesToFsBackup: &allVolumes,
			},
		},
	}
	return []object{s}, nil
}
