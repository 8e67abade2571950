package preflight

import (
	"fmt"
	"maps"
	"slices"

	resourcev1 "k8s.io/api/resource/v1"
)

// deviceAdminFindings names each namespace a team may be in (not the
// control plane's, pave's or one its configurations exclude) that carries
// Kubernetes' DRA admin-access label: its ResourceClaims may ask for admin
// access to devices other namespaces' Pods hold, by that label alone. The
// namespace guard keeps a label that was there (it judges changes), so
// nothing makes it go: guard-keeps.
func deviceAdminFindings(c Cluster) []Finding {
	skip := c.Ungoverned()
	var out []Finding
	for _, ns := range slices.Sorted(maps.Keys(c.Namespaces)) {
		if slices.Contains(skip, ns) || c.Namespaces[ns][resourcev1.DRAAdminNamespaceLabelKey] != "true" {
			continue
		}
		out = append(out, Finding{Check: "guard-keeps", Severity: "medium", Subject: "Namespace " + ns,
			Message: fmt.Sprintf("it carries %s=true: Kubernetes lets its ResourceClaims ask for admin access to devices, those other namespaces' Pods hold included, and the built-in edit role writes ResourceClaims. "+
				"It was there before pave's namespace guard, which keeps it: only the platform team may set it anew", resourcev1.DRAAdminNamespaceLabelKey),
			Fix: fmt.Sprintf("unless the namespace is the platform's own monitoring of devices, remove the label: kubectl label namespace %s %s-", ns, resourcev1.DRAAdminNamespaceLabelKey)})
	}
	return out
}
