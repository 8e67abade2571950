package environment

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// IstioRuleKinds are the Istio kinds a team routes its service with, as
// the controller watches them (their v1; the API server serves every
// version of one object).
func IstioRuleKinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: object.IstioNetworking, Version: "v1", Kind: mesh.KindVirtualService},
		{Group: object.IstioNetworking, Version: "v1", Kind: mesh.KindDestinationRule},
	}
}

// IstioRuleSpec are the fields of a VirtualService's or DestinationRule's
// spec that IstioRuleOf and ingress.GatewayHosts read (a gateway's
// VirtualService kept to its namespace by exportTo routes no other team's
// gateway): the caches keep these of the ones pave did not write, and
// nothing else of their specs.
func IstioRuleSpec() []string {
	return []string{"hosts", "gateways", "exportTo", "host", "trafficPolicy", "workloadSelector"}
}

// IstioRuleOf reads a VirtualService or DestinationRule (of any version) as
// policy.Env carries it; false for another kind, or one pave wrote (named
// pave-*, or labelled as pave's).
func IstioRuleOf(u *unstructured.Unstructured) (policy.IstioRule, bool) {
	gvk := u.GroupVersionKind()
	// pave's own carry its prefix, and its label unless someone took it off.
	if gvk.Group != object.IstioNetworking || (gvk.Kind != mesh.KindVirtualService && gvk.Kind != mesh.KindDestinationRule) ||
		strings.HasPrefix(u.GetName(), mesh.ObjectPrefix) || u.GetLabels()[v1alpha1.LabelManagedBy] == v1alpha1.ManagedByPave {
		return policy.IstioRule{}, false
	}
	r := policy.IstioRule{Kind: gvk.Kind, Name: u.GetName()}
	r.Hosts, _, _ = unstructured.NestedStringSlice(u.Object, "spec", "hosts")
	if h, _, _ := unstructured.NestedString(u.Object, "spec", "host"); h != "" {
		r.Hosts = append(r.Hosts, h)
	}
	r.Gateways, _, _ = unstructured.NestedStringSlice(u.Object, "spec", "gateways")
	_, r.TrafficPolicy, _ = unstructured.NestedFieldNoCopy(u.Object, "spec", "trafficPolicy")
	_, r.Selective, _ = unstructured.NestedFieldNoCopy(u.Object, "spec", "workloadSelector")
	return r, true
}

// IndexIstioHost indexes the VirtualServices and DestinationRules pave did
// not write by namespace and each host they name, as Istio resolves it
// (mesh.ResolveHost): a workload's reconcile finds the team's rules of its
// service without reading its namespace's others. The controller registers
// it on its cache (IstioHostIndex).
const IndexIstioHost = "pave.dev/istio-host"

// IstioHostIndex is the index function of IndexIstioHost.
func IstioHostIndex(o client.Object) []string {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return nil
	}
	r, ok := IstioRuleOf(u)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(r.Hosts))
	for _, h := range r.Hosts {
		keys = append(keys, istioHostKey(u.GetNamespace(), mesh.ResolveHost(h, u.GetNamespace())))
	}
	slices.Sort(keys) // "web" and its full name are one key
	return slices.Compact(keys)
}

func istioHostKey(namespace, host string) string { return namespace + "/" + host }

// IstioRules implements Source, from the IndexIstioHost index of each
// kind.
func (c Cluster) IstioRules(ctx context.Context, namespace, host string) ([]policy.IstioRule, error) {
	var out []policy.IstioRule
	for _, gvk := range IstioRuleKinds() {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		opts := []client.ListOption{client.InNamespace(namespace), client.UnsafeDisableDeepCopy}
		if host != "" {
			opts = append(opts, client.MatchingFields{IndexIstioHost: istioHostKey(namespace, host)})
		}
		if err := c.Reader.List(ctx, list, opts...); err != nil {
			return nil, err
		}
		for i := range list.Items {
			if r, ok := IstioRuleOf(&list.Items[i]); ok {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// IstioRules implements Source: the input's, of the namespace.
func (s Static) IstioRules(_ context.Context, namespace, host string) ([]policy.IstioRule, error) {
	if host == "" {
		return s.IstioRulesByNamespace[namespace], nil
	}
	var out []policy.IstioRule
	for _, r := range s.IstioRulesByNamespace[namespace] {
		if slices.ContainsFunc(r.Hosts, func(h string) bool { return mesh.ResolveHost(h, namespace) == host }) {
			out = append(out, r)
		}
	}
	return out, nil
}

// IstioRules finds the VirtualServices and DestinationRules pave did not
// write that name the host of service in namespace ("": every one of the
// namespace), where the cluster serves them.
func (b Builder) IstioRules(ctx context.Context, namespace, service string) ([]policy.IstioRule, error) {
	for _, gvk := range IstioRuleKinds() {
		if slices.Contains(b.Unserved, gvk) {
			return nil, nil
		}
	}
	host := ""
	if service != "" {
		host = mesh.ServiceHost(service, namespace)
	}
	rules, err := b.Source.IstioRules(ctx, namespace, host)
	if err != nil {
		return nil, fmt.Errorf("list VirtualServices and DestinationRules in %s: %w", namespace, err)
	}
	return rules, nil
}
