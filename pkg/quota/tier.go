// Package quota sizes namespaces by tier: a ResourceQuota and a LimitRange per
// namespace, from the PlatformPolicy's tier table.
package quota

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// NoTier as the policy's default tier leaves unlabelled namespaces without a
// quota.
const NoTier = "none"

// ObjectName is the name of the ResourceQuota and the LimitRange pave keeps.
const ObjectName = "pave-tier"

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// Tier generates a namespace's ResourceQuota and LimitRange from its tier.
type Tier struct{}

// Name implements engine.NamespaceGenerator.
func (Tier) Name() string { return "tier-quota" }

// Kinds implements engine.NamespaceGenerator.
func (Tier) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Version: "v1", Kind: "ResourceQuota"}, {Version: "v1", Kind: "LimitRange"}}
}

// Of returns the tier a namespace is in: its pave.dev/tier label when the
// policy knows it, else the policy's default tier; ok is false when neither
// names one (no quota).
func Of(env policy.Env) (v1alpha1.Tier, bool) {
	tiers := env.Policy.Spec.Tiers
	find := func(name string) (v1alpha1.Tier, bool) {
		i := slices.IndexFunc(tiers.Tiers, func(t v1alpha1.Tier) bool { return t.Name == name })
		if i < 0 || name == "" || name == NoTier {
			return v1alpha1.Tier{}, false
		}
		return tiers.Tiers[i], true
	}
	if t, ok := find(env.Namespace.Labels[v1alpha1.LabelTier]); ok {
		return t, true
	}
	return find(tiers.DefaultTier)
}

// UnknownTier is the namespace's pave.dev/tier label where it names no tier
// of the policy, and so Of gives the namespace the default tier (a typo, a
// tier not yet added, "none"); "" where the label is unset or known.
func UnknownTier(env policy.Env) string {
	label := env.Namespace.Labels[v1alpha1.LabelTier]
	if t, ok := Of(env); label == "" || ok && t.Name == label {
		return ""
	}
	return label
}

// GenerateNamespace implements engine.NamespaceGenerator.
func (Tier) GenerateNamespace(_ context.Context, env policy.Env) ([]object, error) {
	t, ok := Of(env)
	if !ok {
		return nil, nil
	}
	meta := metav1.ObjectMeta{Name: ObjectName, Namespace: env.Namespace.Name,
		Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, v1alpha1.LabelTier: t.Name}}
	var out []object
	if len(t.Quota) > 0 {
		out = append(out, &corev1.ResourceQuota{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
			ObjectMeta: meta,
			Spec:       corev1.ResourceQuotaSpec{Hard: t.Quota.DeepCopy()},
		})
	}
	res := env.Policy.Spec.Resources
	item := corev1.LimitRangeItem{Type: corev1.LimitTypeContainer,
		DefaultRequest: res.DefaultRequests.DeepCopy(), Default: res.DefaultLimits.DeepCopy(), Max: t.MaxPerContainer.DeepCopy()}
	if len(item.DefaultRequest)+len(item.Default)+len(item.Max) > 0 {
		out = append(out, &corev1.LimitRange{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "LimitRange"},
			ObjectMeta: *meta.DeepCopy(),
			Spec:       corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item}},
		})
	}
	return out, nil
}
