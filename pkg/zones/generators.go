package zones

import (
	"context"
	"slices"

	ciliumv2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	cnpv1 "sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// The generators list every kind of every target, so that a change of
// target, or isolation turned off, prunes what the old one wrote.
var (
	networkPolicyKind = networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy")
	ciliumKind        = schema.GroupVersionKind{Group: "cilium.io", Version: "v2", Kind: "CiliumNetworkPolicy"}
	clusterKind       = schema.GroupVersionKind{Group: cnpv1.GroupName, Version: "v1alpha2", Kind: "ClusterNetworkPolicy"}
)

// Ingress generates, per served workload, the policy that admits exactly
// its zone's callers, the ingress controller where the zone takes outside
// traffic and the scraper, on the workload's declared ports.
type Ingress struct{}

// Name implements engine.Generator.
func (Ingress) Name() string { return "zone-ingress" }

// Kinds implements engine.Generator.
func (Ingress) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{networkPolicyKind, ciliumKind}
}

// Generate implements engine.Generator.
func (Ingress) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	target, iso := Target(env.Policy), env.Policy.Spec.Zones.Isolation
	ns := env.NamespaceOf(w)
	zone := policy.WorkloadZone(w, env).Zone
	ports, ok := served(w, env)
	if target == v1alpha1.IsolationOff || zone == "" || !ok || policy.Infrastructure(iso, ns) {
		return nil, nil
	}
	name := workload.CompanionName(w)
	if env.NamesOnly { // listed, not written: building its rules was most of the generators' time in pave check
		return []object{namedOnly(target, policyName(name), ns)}, nil
	}
	b, sel := policy.BoundaryOf(env.Policy.Spec.Zones, zone), workload.Selector(w)
	if target == v1alpha1.IsolationCilium {
		return []object{workloadCilium(name, ns, sel, b, iso, ports, meshed(w, env))}, nil
	}
	return []object{workloadNetworkPolicy(name, ns, sel, b, iso, ports, meshed(w, env))}, nil
}

// namedOnly is the workload's policy as policy.Env.NamesOnly asks for it:
// its kind, name and namespace.
func namedOnly(target v1alpha1.IsolationTarget, name, ns string) object {
	meta := metav1.ObjectMeta{Name: name, Namespace: ns}
	if target == v1alpha1.IsolationCilium {
		return &ciliumv2.CiliumNetworkPolicy{TypeMeta: cnpType, ObjectMeta: meta}
	}
	return &networkingv1.NetworkPolicy{TypeMeta: npType, ObjectMeta: meta}
}

// Baseline generates, per namespace, the default deny and what the
// namespace's zone may reach: DNS, the zones it may call, the mesh's control
// plane in the Istio modes and the zone's outside destinations.
type Baseline struct{}

// Name implements engine.NamespaceGenerator.
func (Baseline) Name() string { return "zone-baseline" }

// Kinds implements engine.NamespaceGenerator.
func (Baseline) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{networkPolicyKind, ciliumKind}
}

// GenerateNamespace implements engine.NamespaceGenerator.
func (Baseline) GenerateNamespace(_ context.Context, env policy.Env) ([]object, error) {
	target, iso := Target(env.Policy), env.Policy.Spec.Zones.Isolation
	zone := policy.DecideZone(env).Zone
	if zone == "" || policy.Infrastructure(iso, env.Namespace.Name) {
		return nil, nil
	}
	b, mesh := policy.BoundaryOf(env.Policy.Spec.Zones, zone), env.Policy.Spec.Mesh.Mode.UsesIstio()
	switch target {
	case v1alpha1.IsolationNetworkPolicy:
		return []object{baselineNetworkPolicy(env.Namespace.Name, b, iso, mesh)}, nil
	case v1alpha1.IsolationCilium:
		return []object{baselineCilium(env.Namespace.Name, b, iso, mesh)}, nil
	}
	return nil, nil // off; or ClusterNetworkPolicy, where Boundaries does this
}

// Boundaries generates, in the ClusterNetworkPolicy target, one Admin-tier
// ClusterNetworkPolicy per zone and the Baseline-tier default deny.
type Boundaries struct {
	// Install's PaveNamespace and Excluded are namespaces pave does not
	// govern beside the control plane's: the default deny, which selects
	// namespaces rather than zones' pods, leaves them alone.
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Boundaries) Name() string { return "zone-boundaries" }

// Kinds implements engine.ClusterGenerator.
func (Boundaries) Kinds() []schema.GroupVersionKind { return []schema.GroupVersionKind{clusterKind} }

// GenerateCluster implements engine.ClusterGenerator.
func (b Boundaries) GenerateCluster(_ context.Context, p *policy.Policy) ([]object, error) {
	if Target(p) != v1alpha1.IsolationClusterNetworkPolicy {
		return nil, nil
	}
	z := p.Spec.Zones
	zones := slices.Clone(z.Names)
	for _, a := range z.Access { // names may be empty: any zone name goes
		if !slices.Contains(zones, a.Zone) {
			zones = append(zones, a.Zone)
		}
	}
	if z.DefaultZone != "" && !slices.Contains(zones, z.DefaultZone) {
		zones = append(zones, z.DefaultZone)
	}
	out := make([]object, 0, len(zones)+1)
	for i, zone := range zones {
		out = append(out, boundaryCNP(policy.BoundaryOf(z, zone), adminPriority+int32(i), z.Isolation, p.Spec.Mesh.Mode.UsesIstio()))
	}
	governed := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: v1alpha1.LabelNamespaceName, Operator: metav1.LabelSelectorOpNotIn, Values: b.ungoverned(z.Isolation),
	}}}
	return append(out, baselineCNP(governed)), nil
}

// ungoverned are the namespaces the default deny leaves alone: those zones
// leave alone, pave's own and the excluded ones.
func (b Boundaries) ungoverned(iso v1alpha1.ZoneIsolation) []string {
	out := policy.Unisolated(iso)
	for _, ns := range append([]string{b.PaveNamespace}, b.Excluded...) {
		if ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}
