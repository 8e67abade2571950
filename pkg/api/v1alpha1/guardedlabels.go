package v1alpha1

import resourcev1 "k8s.io/api/resource/v1"

// GuardedLabels are the namespace labels that decide isolation, size and
// ownership: only the policy's spec.namespaces.labelAdmins may set or change
// them. Besides pave's, Kubernetes' DRA admin-access label: its claims may
// then reach devices other namespaces' Pods hold (ResourceClaim
// adminAccess), which Kubernetes grants by that label alone.
func GuardedLabels() []string {
	return []string{LabelZone, LabelTier, LabelTeam, resourcev1.DRAAdminNamespaceLabelKey}
}
