package policy

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// ZonesInUse refuses a spec that leaves out a zone the policy in force
// (before) names and namespaces are labelled with: rule zone-known would deny
// every new Pod in them, the replacements their controllers make among them,
// from the moment the spec is in force. inUse maps each value of the
// namespaces' zone label to the namespaces that carry it. A zone before did
// not name either is not the change's doing, and is left to zone-known.
func ZonesInUse(spec, before v1alpha1.PlatformPolicySpec, inUse map[string][]string) error {
	for _, zone := range slices.Sorted(maps.Keys(inUse)) {
		if slices.Contains(spec.Zones.Names, zone) || !slices.Contains(before.Zones.Names, zone) {
			continue
		}
		return fmt.Errorf("spec.zones.names: leaves out zone %q, the %s label of namespace %s: rule zone-known would deny every new Pod there, "+
			"a controller's replacements among them. Relabel them to one of %v first, and leave %q out once no namespace is in it",
			zone, v1alpha1.LabelZone, someOf(inUse[zone]), spec.Zones.Names, zone)
	}
	return nil
}
