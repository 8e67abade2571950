package policy

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// validateTiers refuses tiers that no namespace could be sized by, or whose
// bounds would refuse what pave itself, or the API server, gives every pod.
func validateTiers(s v1alpha1.PlatformPolicySpec) error {
	names := map[string]bool{}
	for i, t := range s.Tiers.Tiers {
		if t.Name == "" {
			return fmt.Errorf("spec.tiers.tiers[%d].name: required", i)
		}
		if names[t.Name] {
			return fmt.Errorf("spec.tiers.tiers[%d].name: %q appears twice", i, t.Name)
		}
		if t.Name == "none" {
			// quota.Of reads "none" as no tier: a namespace labelled so
			// would get the default tier, never this one.
			return fmt.Errorf("spec.tiers.tiers[%d].name: \"none\" is reserved (spec.tiers.defaultTier: none gives unlabelled namespaces no quota): name the tier otherwise", i)
		}
		names[t.Name] = true
		// As the CRD's schema: user-defined PriorityClasses go no higher.
		if t.MaxPriority != nil && *t.MaxPriority > 1_000_000_000 {
			return fmt.Errorf("spec.tiers.tiers[%d].maxPriority: %d is above 1000000000, the highest value of a PriorityClass that is not the system's", i, *t.MaxPriority)
		}
		// As the CRD's schema: a bound below the API server's default
		// would refuse every pod that sets no grace period.
		least := corev1.DefaultTerminationGracePeriodSeconds * time.Second
		if d := t.MaxTerminationGracePeriod; d != nil && d.Duration < least {
			return fmt.Errorf("spec.tiers.tiers[%d].maxTerminationGracePeriod: %s is below %s, the grace period Kubernetes gives a pod that sets none, so every such pod would be refused: write %s or more", i, d.Duration, least, least)
		}
		if err := fitsTier(s, i); err != nil {
			return err
		}
		if err := quotaCovered(s, i); err != nil {
			return err
		}
	}
	if d := s.Tiers.DefaultTier; d != "" && d != "none" && !names[d] {
		return fmt.Errorf("spec.tiers.defaultTier: %q is not one of spec.tiers.tiers (or none)", d)
	}
	return nil
}
