package engine

import (
	"fmt"

	"github.com/pave-dev/pave/pkg/backup"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/namespaces"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/secrets"
	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/zones"
)

// imageRefs is how many parsed image references an engine remembers.
const imageRefs = 4096

// Default builds pave's pipeline for a policy. This is the one place that says
// which mutators, validators and generators run; `pave explain` prints it.
func Default(p *policy.Policy) (*Engine, error) {
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
		validators.Mesh{},
		validators.MeshTraffic{},
		validators.Canary{},
		validators.ServiceAccountToken{},
		validators.QuotaHeadroom{},
		storage.Encrypted{},
		backup.Covered{},
		monitoring.Bounds{},
	}
	return New(p, Pipeline{
		Steps:               steps,
		Validators:          vals,
		Generators:          []Generator{mesh.Traffic{}, mesh.Cilium{}, zones.Ingress{}, secrets.Delivery{}, monitoring.Scrape{}, monitoring.SLORules{}, monitoring.Dashboard{}},
		NamespaceGenerators: []NamespaceGenerator{mesh.MTLS{}, quota.Tier{}, zones.Baseline{}, backup.Schedule{}, monitoring.Cost{}},
		ObjectValidators:    []ObjectValidator{validators.ServiceExternalIPs{}, storage.Encrypted{}, validators.LiteralSecrets{}},
		ObjectMutators:      []ObjectMutator{storage.ClaimClass{}},
		ClusterGenerators:   []ClusterGenerator{namespaces.Guard{}, zones.Boundaries{}},
	})
}
