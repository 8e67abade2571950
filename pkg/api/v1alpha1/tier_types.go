package v1alpha1

import corev1 "k8s.io/api/core/v1"

// TierPolicy sizes namespaces: a namespace's pave.dev/tier label picks a tier,
// and pave keeps the namespace's ResourceQuota and LimitRange in step with it.
// +kubebuilder:validation:XValidation:rule="!has(self.defaultTier) || self.defaultTier == 'none' || !has(self.tiers) || self.tiers.exists(t, t.name == self.defaultTier)",message="defaultTier must be one of tiers"
type TierPolicy struct {
	// DefaultTier is the tier of namespaces without a pave.dev/tier label (or
	// with one the policy does not know); "none" leaves them without a quota.
	// Default: medium.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	DefaultTier string `json:"defaultTier,omitempty"`
	// Tiers by name. Built in: small, medium, large.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Tiers []Tier `json:"tiers,omitzero"`
}

// Tier is one size of namespace.
type Tier struct {
	// Name is the value of the namespace's pave.dev/tier label.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// Quota is the hard limit of the namespace's ResourceQuota, e.g.
	// requests.cpu, requests.memory, limits.memory, pods.
	// +optional
	// +kubebuilder:validation:MaxProperties=16
	Quota corev1.ResourceList `json:"quota,omitempty"`
	// MaxPerContainer caps one container in the namespace's LimitRange. Its
	// defaults are the policy's spec.resources, so a container pave never saw
	// (pave down) gets the same requests and limits.
	// +optional
	// +kubebuilder:validation:MaxProperties=8
	MaxPerContainer corev1.ResourceList `json:"maxPerContainer,omitempty"`
	// MaxPriority is the highest priority the tier's pods may run at: the
	// value of the PriorityClass a pod names (rule priority-class). A class
	// above it lets a team's pods preempt other teams' pods. Unset: any
	// class but the system ones.
	// +optional
	// +kubebuilder:validation:Maximum=1000000000
	MaxPriority *int32 `json:"maxPriority,omitempty"`
	// MaxTerminationGracePeriod is the longest the tier's pods may take to
	// stop (spec.terminationGracePeriodSeconds; rule termination-grace): a
	// node drain, and with it the cluster's upgrades, waits that long for
	// each pod it evicts that does not exit. At least 30s, the period of a
	// pod that sets none. Unset: no bound.
	// +optional
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('30s')",message="must be at least 30s, the grace period of a pod that sets none"
	MaxTerminationGracePeriod *Duration `json:"maxTerminationGracePeriod,omitempty"`
}

// NamespacePolicy guards the namespace labels pave reads as the truth:
// pave.dev/zone, pave.dev/tier and pave.dev/team (GuardedLabels). It matters
// where teams create their own namespaces.
type NamespacePolicy struct {
	// LabelAdmins are the groups that may set or change the guarded labels of a
	// Namespace. Default: [system:masters], which every guard trusts even
	// where the list names other groups (the break-glass group). Enforced in the API server by a
	// ValidatingAdmissionPolicy pave generates, not by a webhook: a webhook on
	// Namespaces that is down would stall namespace deletion. They are the
	// platform team to the zone policy guard too: in the NetworkPolicy
	// target only they (and pave) may write the zones' own NetworkPolicies
	// and NetworkPolicies that reach beyond their namespace (docs/zones.md).
	// +optional
	// +kubebuilder:validation:MaxItems=32
	LabelAdmins []string `json:"labelAdmins,omitzero"`
}
