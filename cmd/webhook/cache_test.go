package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/internal/rbactest"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/workload"
)

// An admission replica that may not list a kind its cache holds never gets
// its caches synced, so it never becomes ready: the admission ClusterRole
// reads every kind the admission role caches (the list comes from
// managerOptions, not by hand).
func TestAdmissionRoleReadsWhatItCaches(t *testing.T) {
	roles, err := rbactest.ClusterRoles("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	role, ok := roles["pave-admission"]
	if !ok {
		t.Fatal("no ClusterRole pave-admission in rbac.yaml")
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := gatewayv1.Install(scheme); err != nil {
		t.Fatal(err)
	}
	cached := managerOptions(options{role: roleAdmission}, scheme, false).Cache.ByObject
	if len(cached) == 0 {
		t.Fatal("the admission role caches nothing")
	}
	kinds := ingress.WatchedKinds() // cached where the cluster serves them (indexRoutes)
	for obj := range cached {
		gvk, err := apiutil.GVKForObject(obj, scheme)
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, gvk)
	}
	for _, gvk := range kinds {
		if missing, resource := rbactest.Missing(role, gvk, "get", "list", "watch"); len(missing) > 0 {
			t.Errorf("%s: the admission ClusterRole lacks %v on %s", gvk.Kind, missing, resource)
		}
	}
}

// The cache asks the API server about every kind its options list when it
// is made: a kind the cluster may not serve (a CRD of another project)
// there would keep pave from starting. Only Kubernetes' own kinds and pave's
// own, whose CRDs the install ships, are listed, in both roles.
func TestCacheListsOnlyKindsEveryClusterServes(t *testing.T) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme, gatewayv1.Install} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	for _, controls := range []bool{false, true} {
		for obj := range managerOptions(options{role: roleAll}, scheme, controls).Cache.ByObject {
			gvk, err := apiutil.GVKForObject(obj, scheme)
			if err != nil {
				t.Fatal(err)
			}
			if !clientgoscheme.Scheme.Recognizes(gvk) && gvk.Group != v1alpha1.GroupVersion.Group {
				t.Errorf("the cache lists %s up front: a cluster that does not serve it could not start pave", gvk)
			}
		}
	}
}

// The cache keeps of an Ingress what ingress.Hosts reads and its identity:
// the same hosts, none of its paths, TLS or other annotations.
func TestIngressCacheKeepsTheHosts(t *testing.T) {
	for _, ing := range []*networkingv1.Ingress{
		{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", ResourceVersion: "7", Annotations: map[string]string{"a": "b", ingress.ServerAlias: "www.example.com", ingress.ExternalDNSHostname: "shop.example.org."}},
			Spec: networkingv1.IngressSpec{TLS: []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com"}, SecretName: "tls"}},
				Rules: []networkingv1.IngressRule{{Host: "shop.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{Path: "/"}}}}}, {}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "fallback", Namespace: "lab"},
			Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web"}}}},
	} {
		got, err := ingressHosts(ing)
		if err != nil {
			t.Fatal(err)
		}
		kept := got.(*networkingv1.Ingress)
		if !slices.Equal(ingress.Hosts(kept), ingress.Hosts(ing)) || !slices.Equal(ingress.IndexKeys(kept), ingress.IndexKeys(ing)) {
			t.Errorf("%s: hosts %q, want %q", ing.Name, ingress.Hosts(kept), ingress.Hosts(ing))
		}
		if kept.Name != ing.Name || kept.Namespace != ing.Namespace || kept.ResourceVersion != ing.ResourceVersion {
			t.Errorf("%s: identity not kept: %+v", ing.Name, kept.ObjectMeta)
		}
		if len(kept.Annotations) > 2 || kept.Spec.TLS != nil || slices.ContainsFunc(kept.Spec.Rules, func(r networkingv1.IngressRule) bool { return r.HTTP != nil }) {
			t.Errorf("%s: kept more than its hosts: %+v", ing.Name, kept)
		}
	}
}

// The cache holds Services as their metadata, and keeps of it their
// identity and the names external-dns publishes (the same
// ingress.PublishedHosts and index keys as the whole Service's), no other
// annotation or label; of one that publishes none, its identity alone.
func TestServiceCacheKeepsThePublishedNames(t *testing.T) {
	for _, svc := range []*corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Name: "lb", Namespace: "shop", ResourceVersion: "3", Labels: map[string]string{"a": "b"},
			Annotations: map[string]string{"a": "b", ingress.ExternalDNSHostname: "Shop.example.com.,www.example.com", ingress.ExternalDNSInternalHostname: "shop.internal"}},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", Annotations: map[string]string{"a": "b"}},
			Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}}},
	} {
		meta := ingress.ServiceMetadata() // as the API server sends it to a metadata informer
		meta.ObjectMeta = svc.ObjectMeta
		got, err := publishedNames(meta)
		if err != nil {
			t.Fatal(err)
		}
		kept := got.(*metav1.PartialObjectMetadata)
		want, _ := ingress.PublishedHosts(svc)
		as := ingress.ServiceOfMetadata(kept)
		if hosts, _ := ingress.PublishedHosts(as); !slices.Equal(hosts, want) || !slices.Equal(byPublished(kept), ingress.IndexKeys(svc)) || ingress.KindOf(as) != "Service" {
			t.Errorf("%s: names %q, want %q", svc.Name, hosts, want)
		}
		if kept.Name != svc.Name || kept.Namespace != svc.Namespace || kept.ResourceVersion != svc.ResourceVersion || kept.Kind != "Service" {
			t.Errorf("%s: identity not kept: %+v", svc.Name, kept)
		}
		if _, ok := kept.Annotations["a"]; ok || kept.Labels != nil {
			t.Errorf("%s: kept more than its names: %+v", svc.Name, kept.ObjectMeta)
		}
	}
}

// The cache keeps of a team's VirtualService what ingress.GatewayHosts
// reads: the same hosts on the same gateways, and none for one kept to
// its namespace (spec.exportTo), which no other team's gateway uses.
func TestVirtualServiceCacheKeepsTheGatewayHosts(t *testing.T) {
	vs := func(exportTo ...any) *unstructured.Unstructured {
		spec := map[string]any{"hosts": []any{"shop.example.com", "web"}, "gateways": []any{"istio-system/public"},
			"http": []any{map[string]any{"route": []any{map[string]any{"destination": map[string]any{"host": "web"}}}}}}
		if exportTo != nil {
			spec["exportTo"] = exportTo
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
			"metadata": map[string]any{"name": "web", "namespace": "shop"}, "spec": spec}}
	}
	for _, u := range []*unstructured.Unstructured{vs(), vs("."), vs("shop"), vs("*")} {
		family, hosts, ok := ingress.HostsOf(u.DeepCopy())
		got, err := companionMetadata(u.DeepCopy())
		if err != nil {
			t.Fatal(err)
		}
		kept := got.(*unstructured.Unstructured)
		keptFamily, keptHosts, keptOK := ingress.HostsOf(kept)
		if keptFamily != family || keptOK != ok || !slices.Equal(keptHosts, hosts) {
			t.Errorf("exportTo %v: cached %s %q %v, want %s %q %v", u.Object["spec"].(map[string]any)["exportTo"], keptFamily, keptHosts, keptOK, family, hosts, ok)
		}
		if _, found, _ := unstructured.NestedFieldNoCopy(kept.Object, "spec", "http"); found {
			t.Errorf("kept the routes: %v", kept.Object["spec"])
		}
	}
}

// Of a Gateway API route the cache keeps its identity and hostnames: not
// its rules or parents.
func TestRouteCacheKeepsTheHostnames(t *testing.T) {
	route := &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", Labels: map[string]string{"a": "b"}},
		Spec: gatewayv1.HTTPRouteSpec{Hostnames: []gatewayv1.Hostname{"shop.example.com"}, Rules: []gatewayv1.HTTPRouteRule{{}},
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "shared"}}}}}
	got, err := companionMetadata(route)
	if err != nil {
		t.Fatal(err)
	}
	kept := got.(*gatewayv1.HTTPRoute)
	if !slices.Equal(ingress.IndexKeys(kept), ingress.IndexKeys(route)) || kept.Name != "web" || kept.Namespace != "shop" {
		t.Errorf("kept %+v", kept)
	}
	if kept.Labels != nil || kept.Spec.Rules != nil || kept.Spec.ParentRefs != nil {
		t.Errorf("kept more than its hostnames: %+v", kept)
	}
}

// The cache keeps of a team's VirtualService or DestinationRule what a
// workload's reconcile reads of it, read back the same; of pave's own, and
// of the routes and policies themselves, nothing.
func TestIstioRuleCacheKeepsWhatIsRead(t *testing.T) {
	team := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
		"metadata": map[string]any{"name": "web", "namespace": "shop"},
		"spec": map[string]any{
			"host":             "web",
			"trafficPolicy":    map[string]any{"loadBalancer": map[string]any{"simple": "ROUND_ROBIN"}},
			"workloadSelector": map[string]any{"matchLabels": map[string]any{"app": "caller"}},
			"subsets":          []any{map[string]any{"name": "v1", "labels": map[string]any{"v": "1"}}},
		},
	}}
	want, _ := environment.IstioRuleOf(team.DeepCopy())
	got, err := companionMetadata(team)
	if err != nil {
		t.Fatal(err)
	}
	u := got.(*unstructured.Unstructured)
	if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "subsets"); found {
		t.Errorf("the cache keeps the subsets: %v", u.Object["spec"])
	}
	if lb, _, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "trafficPolicy", "loadBalancer"); lb != nil {
		t.Errorf("the cache keeps the traffic policy: %v", u.Object["spec"])
	}
	if read, ok := environment.IstioRuleOf(u); !ok || !reflect.DeepEqual(read, want) || !read.TrafficPolicy || !read.Selective {
		t.Errorf("read from the cache %+v, from the object %+v", read, want)
	}

	// A gateway's VirtualService: its hosts are found in the cache as in
	// the object (the ingress-host rule), and its routes and a
	// kubectl-applied copy of them are not kept.
	gateway := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": map[string]any{"name": "shop", "namespace": "shop", "uid": "u1", "resourceVersion": "7",
			"labels":      map[string]any{"app": "shop"},
			"annotations": map[string]any{"kubectl.kubernetes.io/last-applied-configuration": `{"spec":{"http":[]}}`}},
		"spec": map[string]any{"hosts": []any{"Shop.example.com", "web"}, "gateways": []any{"istio-system/public"},
			"http": []any{map[string]any{"route": []any{}}}},
	}}
	keys := ingress.IndexKeys(gateway.DeepCopy())
	got, err = companionMetadata(gateway)
	if err != nil {
		t.Fatal(err)
	}
	u = got.(*unstructured.Unstructured)
	if read := ingress.IndexKeys(u); len(keys) == 0 || !slices.Equal(read, keys) {
		t.Errorf("host keys from the cache %q, from the object %q", read, keys)
	}
	if u.GetAnnotations() != nil || u.Object["spec"].(map[string]any)["http"] != nil {
		t.Errorf("the cache keeps more than the hosts: %v", u.Object)
	}
	if u.GetName() != "shop" || u.GetUID() != "u1" || u.GetResourceVersion() != "7" || u.GetLabels()["app"] != "shop" {
		t.Errorf("the cache lost the VirtualService's identity: %v", u.Object["metadata"])
	}

	ours := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": map[string]any{"name": "pave-web", "namespace": "shop", "labels": map[string]any{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}},
		"spec":     map[string]any{"hosts": []any{"web.shop.svc.cluster.local"}, "http": []any{}},
	}}
	if got, _ := companionMetadata(ours); got.(*unstructured.Unstructured).Object["spec"] != nil {
		t.Errorf("the cache keeps the spec of pave's own VirtualService")
	}
}

// An admission replica caches the kinds it indexes once they are served
// (routes, VirtualServices) without pave's own, a VirtualService for every
// meshed workload; every kind it lists up front (pave's ResourceQuotas and
// PodDisruptionBudgets among them) it caches whole. The other roles cache
// pave's own of every kind: the controller watches them.
func TestAdmissionCacheLeavesPavesOwnRoutesOut(t *testing.T) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	paves := labels.Set{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}
	teams := labels.Set{v1alpha1.LabelManagedBy: "Helm"}
	opts := managerOptions(options{role: roleAdmission}, scheme, false).Cache
	if sel := opts.DefaultLabelSelector; sel == nil || sel.Matches(paves) || !sel.Matches(teams) || !sel.Matches(labels.Set{}) {
		t.Errorf("the admission role's default selector %v", sel)
	}
	for obj, by := range opts.ByObject {
		if by.Label == nil || !by.Label.Matches(paves) {
			t.Errorf("%T: the admission role leaves pave's own out (selector %v)", obj, by.Label)
		}
	}
	for _, role := range []string{roleAll, roleController} {
		if sel := managerOptions(options{role: role}, scheme, true).Cache.DefaultLabelSelector; sel != nil {
			t.Errorf("role %s selects %v: the controller watches pave's own", role, sel)
		}
	}
}

// The cache keeps no more than ingress.MaxHosts hosts of an Ingress or a
// VirtualService, each once, whatever the object holds: rule ingress-host
// refuses more, but one made before pave (or while its webhook failed
// open) must not take the admission server past its memory (finding 69).
func TestCacheBoundsTheHostsOfAnObject(t *testing.T) {
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "big", Namespace: "shop"}}
	for i := range 5000 {
		ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{Host: fmt.Sprintf("h%d.example.com", i%2500)})
	}
	var aliases []string
	for i := range 100 {
		aliases = append(aliases, fmt.Sprintf("a%d.example.com", i))
	}
	ing.Annotations = map[string]string{ingress.ServerAlias: strings.Join(aliases, ","), ingress.ExternalDNSHostname: strings.Join(aliases, ",")}
	// Padded with commas, a list keeps its names: the rules read none of
	// the blank ones.
	padded := ingress.ServiceMetadata()
	padded.Name, padded.Namespace, padded.Annotations = "padded", "shop", map[string]string{ingress.ExternalDNSHostname: strings.Repeat(",", 500) + "shop.example.com"}
	cut, err := publishedNames(padded)
	if err != nil {
		t.Fatal(err)
	}
	if hosts, _ := ingress.PublishedHosts(ingress.ServiceOfMetadata(cut.(*metav1.PartialObjectMetadata))); !slices.Equal(hosts, []string{"shop.example.com"}) {
		t.Errorf("a list padded with commas kept %q", hosts)
	}
	meta := ingress.ServiceMetadata()
	meta.Name, meta.Namespace, meta.Annotations = "big", "shop", map[string]string{ingress.ExternalDNSHostname: strings.Join(aliases, ",")}
	svc, err := publishedNames(meta)
	if err != nil {
		t.Fatal(err)
	}
	if hosts, _ := ingress.PublishedHosts(ingress.ServiceOfMetadata(svc.(*metav1.PartialObjectMetadata))); len(hosts) != ingress.MaxHosts {
		t.Errorf("kept %d names of a Service, want %d", len(hosts), ingress.MaxHosts)
	}
	got, err := ingressHosts(ing)
	if err != nil {
		t.Fatal(err)
	}
	kept := got.(*networkingv1.Ingress)
	if len(kept.Spec.Rules) != ingress.MaxHosts || kept.Spec.Rules[0].Host != "h0.example.com" || kept.Spec.Rules[ingress.MaxHosts-1].Host != fmt.Sprintf("h%d.example.com", ingress.MaxHosts-1) {
		t.Errorf("kept %d rules (%v ...), want the first %d hosts", len(kept.Spec.Rules), kept.Spec.Rules[0], ingress.MaxHosts)
	}
	for _, key := range ingress.HostAnnotations {
		if n := len(strings.Split(kept.Annotations[key], ",")); n != ingress.MaxHosts {
			t.Errorf("kept %d names of %s, want %d", n, key, ingress.MaxHosts)
		}
	}
	hosts := make([]any, 100)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("v%d.example.com", i)
	}
	vs := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
		"metadata": map[string]any{"name": "big", "namespace": "shop"},
		"spec":     map[string]any{"hosts": hosts, "gateways": []any{"istio-system/public"}},
	}}
	slim, err := companionMetadata(vs)
	if err != nil {
		t.Fatal(err)
	}
	if h, _, _ := unstructured.NestedSlice(slim.(*unstructured.Unstructured).Object, "spec", "hosts"); len(h) != ingress.MaxHosts || h[0] != "v0.example.com" {
		t.Errorf("kept %d hosts of the VirtualService, want the first %d", len(h), ingress.MaxHosts)
	}
}

// Of a PodDisruptionBudget the cache keeps its identity and spec, which
// rule disruption-budget-replicas reads: not a team member's quarter
// megabyte of annotations, nor a selector of thousands of values, which
// would select nothing the rule could warn of (finding 69).
func TestBudgetCacheKeepsTheSpec(t *testing.T) {
	two := intstr.FromInt32(2)
	pdb := &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", ResourceVersion: "9",
			Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"filler": strings.Repeat("x", 250_000)}},
		Spec:   policyv1.PodDisruptionBudgetSpec{MinAvailable: &two, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
		Status: policyv1.PodDisruptionBudgetStatus{CurrentHealthy: 3, DisruptedPods: map[string]metav1.Time{"web-1": {}}},
	}
	got, err := budgetSpec(pdb)
	if err != nil {
		t.Fatal(err)
	}
	kept := got.(*policyv1.PodDisruptionBudget)
	if kept.Name != "web" || kept.Namespace != "shop" || kept.ResourceVersion != "9" || !reflect.DeepEqual(kept.Spec, pdb.Spec) {
		t.Errorf("identity or spec not kept: %+v", kept)
	}
	if kept.Annotations != nil || kept.Labels != nil || !reflect.DeepEqual(kept.Status, policyv1.PodDisruptionBudgetStatus{}) {
		t.Errorf("kept more than the spec: %v %v %+v", len(kept.Annotations), kept.Labels, kept.Status)
	}
	var values []string
	for i := range 5000 {
		values = append(values, fmt.Sprint(i))
	}
	pdb.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: values}}}
	got, _ = budgetSpec(pdb)
	if sel := got.(*policyv1.PodDisruptionBudget).Spec.Selector; sel != nil {
		t.Errorf("kept a selector of %d values", len(sel.MatchExpressions[0].Values))
	}
}

// Of an object watched as metadata alone (a companion, or a team's object
// of a companion's kind) the cache keeps who it is, its version, pave's
// label and its controller, which watching and pruning read: not a team
// member's quarter megabyte of annotations, labels or owner references
// (finding 70).
func TestWatchedMetadataKeepsWhatIsRead(t *testing.T) {
	yes := true
	owner := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "u-1", Controller: &yes}
	m := &metav1.PartialObjectMetadata{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: "pave-zone-web", Namespace: "shop", UID: "u-2", ResourceVersion: "5",
			Labels:          map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, "filler": strings.Repeat("x", 63)},
			Annotations:     map[string]string{"filler": strings.Repeat("x", 250_000)},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "other", UID: "u-3"}, owner},
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "pave"}}},
	}
	got, err := companionMetadata(m)
	if err != nil {
		t.Fatal(err)
	}
	kept := got.(*metav1.PartialObjectMetadata)
	if kept.Name != m.Name || kept.Namespace != m.Namespace || kept.UID != m.UID || kept.ResourceVersion != m.ResourceVersion || kept.Kind != "NetworkPolicy" {
		t.Errorf("identity not kept: %+v", kept)
	}
	if !reflect.DeepEqual(kept.Labels, map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}) {
		t.Errorf("labels %v, want pave's alone", kept.Labels)
	}
	if ref := metav1.GetControllerOf(kept); ref == nil || ref.UID != "u-1" || len(kept.OwnerReferences) != 1 {
		t.Errorf("owner references %+v, want the controller's alone", kept.OwnerReferences)
	}
	if kept.Annotations != nil || kept.ManagedFields != nil {
		t.Errorf("kept %d annotations and %d managed fields", len(kept.Annotations), len(kept.ManagedFields))
	}
}

// The cache drops kubectl apply's copy of the manifest from what it holds
// whole, and keeps every other annotation: nothing of pave reads the copy.
func TestCacheDropsTheLastAppliedManifest(t *testing.T) {
	sc := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fast", Annotations: map[string]string{
		corev1.LastAppliedConfigAnnotation: strings.Repeat("x", 10_000), "storageclass.kubernetes.io/is-default-class": "true"}}}
	got, err := companionMetadata(sc)
	if err != nil {
		t.Fatal(err)
	}
	if a := got.(*storagev1.StorageClass).Annotations; !reflect.DeepEqual(a, map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}) {
		t.Errorf("annotations kept: %d, want the default class's alone", len(a))
	}
}

// Of a Namespace the cache keeps its identity and labels, in both roles:
// what pave reads, and nothing a team that may create namespaces could
// grow beside them.
func TestNamespaceCacheKeepsTheLabels(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	gone := metav1.Now()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", UID: "u1", ResourceVersion: "9", DeletionTimestamp: &gone,
		Labels: map[string]string{v1alpha1.LabelTeam: "shop"}, Annotations: map[string]string{"example.com/blob": strings.Repeat("x", 250_000)},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}, Spec: corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{"kubernetes"}}}
	want := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", UID: "u1", ResourceVersion: "9", DeletionTimestamp: &gone,
		Labels: map[string]string{v1alpha1.LabelTeam: "shop"}}}
	for _, role := range []string{roleAdmission, roleController} {
		found := false
		for obj, by := range managerOptions(options{role: role}, scheme, role == roleController).Cache.ByObject {
			if _, ok := obj.(*corev1.Namespace); !ok {
				continue
			}
			found = true
			got, err := by.Transform(ns.DeepCopy())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: cached %+v", role, got)
			}
		}
		if !found {
			t.Errorf("%s: Namespaces are not cached by their own transform", role)
		}
	}
}

// The controller caches of each workload kind it reconciles what the
// companions are made of (workload.CompanionInputs), and the admission
// role none of them.
func TestControllerCachesWhatCompanionsAreMadeOf(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{roleAdmission, roleController} {
		controls := role == roleController
		cut := 0
		for obj, by := range managerOptions(options{role: role}, scheme, controls).Cache.ByObject {
			kind := fmt.Sprintf("%T", obj)
			if !slices.Contains([]string{"*v1.Deployment", "*v1.StatefulSet", "*v1.DaemonSet"}, kind) {
				continue
			}
			if !controls {
				t.Errorf("the admission role caches %s", kind)
				continue
			}
			w, err := workload.New(obj.DeepCopyObject())
			if err != nil {
				t.Fatal(err)
			}
			w.Meta.Annotations = map[string]string{corev1.LastAppliedConfigAnnotation: "{}", v1alpha1.AnnotationSLOAvailability: "99.9"}
			w.PodSpec.Containers = []corev1.Container{{Name: "app", Image: "app:1", Args: []string{strings.Repeat("x", 10_000)}}}
			got, err := by.Transform(w.Object)
			if err != nil {
				t.Fatal(err)
			}
			kept, err := workload.New(got.(runtime.Object))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept.Meta.Annotations, map[string]string{v1alpha1.AnnotationSLOAvailability: "99.9"}) ||
				!reflect.DeepEqual(kept.PodSpec.Containers, []corev1.Container{{Name: "app", Image: "app:1"}}) {
				t.Errorf("%s cached as %v, %+v", kind, kept.Meta.Annotations, kept.PodSpec.Containers)
			}
			cut++
		}
		if controls && cut != 3 {
			t.Errorf("the controller cuts %d workload kinds, want 3", cut)
		}
	}
}
