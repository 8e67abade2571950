package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// InUse is what the governed namespaces' labels name: each value of their
// zone label (pave.dev/zone) and of their tier label (pave.dev/tier), with
// the namespaces that carry it.
type InUse struct {
	Zones, Tiers map[string][]string
}

// Keeps refuses a spec that leaves out a zone or a tier that the policy it
// would replace (before) names and namespaces are in (ZonesInUse,
// TiersInUse).
func (u InUse) Keeps(spec, before v1alpha1.PlatformPolicySpec) error {
	if err := ZonesInUse(spec, before, u.Zones); err != nil {
		return err
	}
	return TiersInUse(spec, before, u.Tiers)
}

// TiersInUse refuses a spec that leaves out a tier the policy in force
// (before) names and namespaces are labelled with: they would fall to the
// default tier (or to none) without anyone asking, their quota and their
// per-container maximum changed under their running workloads, and a
// namespace of a larger tier left unable to replace its Pods. inUse maps
// each value of the namespaces' tier label to the namespaces that carry
// it. A tier before did not name either is not the change's doing.
func TiersInUse(spec, before v1alpha1.PlatformPolicySpec, inUse map[string][]string) error {
	for _, tier := range slices.Sorted(maps.Keys(inUse)) {
		if hasTier(spec, tier) || !hasTier(before, tier) {
			continue
		}
		to := TierFallback(spec)
		return fmt.Errorf("spec.tiers.tiers: leaves out tier %q, the %s label of namespace %s: they would fall to %s, their quota and per-container maximum changed under their running workloads. "+
			"Relabel them to one of %v first, and leave %q out once no namespace is in it",
			tier, v1alpha1.LabelTier, someOf(inUse[tier]), to, TierNames(spec), tier)
	}
	return nil
}

// TierFallback says what a namespace in no tier of spec gets (unlabelled,
// or labelled with a tier spec does not name): its default tier, or no quota.
func TierFallback(spec v1alpha1.PlatformPolicySpec) string {
	if d := spec.Tiers.DefaultTier; d != "" && hasTier(spec, d) {
		return fmt.Sprintf("the default tier %q", d)
	}
	return "no tier, and no quota"
}

func hasTier(s v1alpha1.PlatformPolicySpec, name string) bool {
	return slices.ContainsFunc(s.Tiers.Tiers, func(t v1alpha1.Tier) bool { return t.Name == name })
}

// TierNames are the names of spec's tiers, in order.
func TierNames(s v1alpha1.PlatformPolicySpec) []string {
	names := make([]string, len(s.Tiers.Tiers))
	for i, t := range s.Tiers.Tiers {
		names[i] = t.Name
	}
	return names
}

// someOf names the first three of names in order, and how many more.
func someOf(names []string) string {
	names = slices.Sorted(slices.Values(names))
	some := strings.Join(names[:min(len(names), 3)], ", ")
	if len(names) > 3 {
		some += fmt.Sprintf(" and %d more", len(names)-3)
	}
	return some
}
