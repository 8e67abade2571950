package engine

import (
	"fmt"

	"github.com/pave-dev/pave/pkg/backup"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/scheduling"
	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/validators"
)

// imageRefs is how many parsed image references an engine remembers.
const imageRefs = 4096

// Companions are the generators of a pipeline: what the controller writes
// beside workloads, namespaces and the cluster. Package companions lists
// pave's; the admission server runs with none, so that it does not link the
// APIs they write (Istio, Cilium, Velero, …; docs/performance.md).
type Companions struct {
	Workload  []Generator
	Namespace []NamespaceGenerator
	Cluster   []ClusterGenerator
}

// Default builds pave's pipeline for a policy, with the given companions.
// This is the one place that says which mutators and validators run
// (package companions says which generators); `pave explain` prints it.
func Default(p *policy.Policy, c Companions) (*Engine, error) {
	e, err := DefaultAccepted(p, c)
	if err != nil {
		return nil, err
	}
	if err := checkProxy(e); err != nil {
		return nil, err
	}
	return e, nil
}

// DefaultAccepted is Default without refusing a policy whose own rules deny
// its proxy: for a policy an earlier version of pave accepted and put in
// force (policy.FromAcceptedSpec).
func DefaultAccepted(p *policy.Policy, c Companions) (*Engine, error) {
	pss, err := validators.NewPodSecurity(p.Spec.Security.PodSecurityLevel)
	if err != nil {
		return nil, fmt.Errorf("policy spec.security: %w", err)
	}
	steps := []Step{
		{PhaseDefaults, mutators.Resources{}},
		{PhaseDefaults, mutators.ServiceAccountToken{}},
		{PhaseDefaults, storage.TemplateClasses{}},
		{PhasePlatform, backup.Volumes{}},
		{PhasePlatform, mutators.Track{}},
		{PhasePlatform, mutators.Labels{}},
		{PhasePlatform, monitoring.Annotations{}},
		{PhaseMesh, mutators.Sidecar{}},
		{PhaseHardening, mutators.SecurityContext{}},
	}
	vals := []Validator{
		validators.Images{Refs: validators.NewImageRefs(imageRefs)},
		pss,
		validators.LiteralSecrets{},
		validators.Probes{},
		validators.Labels{},
		validators.TeamLabel{},
		validators.LabelBound{},
		validators.Mesh{},
		validators.MeshPorts{},
		validators.MeshTraffic{},
		validators.Canary{},
		validators.ServiceAccountToken{},
		validators.VolumeSource{},
		validators.ProbePort{},
		validators.LifecycleHook{},
		validators.PriorityClass{},
		validators.PodPriority{},
		validators.TerminationGrace{},
		validators.PodFinalizers{},
		validators.BarePod{},
		scheduling.ControlPlane{},
		scheduling.NodeName{},
		validators.QuotaHeadroom{},
		validators.ContainerMax{},
		validators.ZeroLimit{},
		validators.PodBudget{},
		validators.BudgetReplicas{},
		storage.Encrypted{},
		storage.VolumeNames{},
		storage.UnreservedVolume{},
		backup.Covered{},
		monitoring.Bounds{},
	}
	return New(p, Pipeline{
		Steps:               steps,
		Validators:          vals,
		Generators:          c.Workload,
		NamespaceGenerators: c.Namespace,
		ObjectValidators:    []ObjectValidator{validators.ServiceExternalIPs{}, validators.ServiceExposure{}, validators.ServiceExternalName{}, validators.IngressReach{}, validators.IngressHost{}, validators.CertificateHost{}, validators.DNSHost{}, validators.MeshRoutes{}, validators.MeshMTLS{}, validators.MeshEnvoyFilter{}, validators.MonitoringScope{}, validators.SecretWebhookURL{}, validators.SecretStoreIdentity{}, storage.Encrypted{}, storage.UnreservedVolume{}, validators.LiteralSecrets{}, validators.DashboardScope{}, validators.DisruptionBudget{}},
		ObjectMutators:      []ObjectMutator{storage.ClaimClass{}, mutators.UnhealthyEviction{}},
		ClusterGenerators:   c.Cluster,
	})
}
