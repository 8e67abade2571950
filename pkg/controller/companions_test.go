package controller

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/managedfields"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

// rig is a Deployment reconciler over a fake client that applies as the API
// server does (server-side apply), under a policy that can be swapped, at a
// clock the test moves.
type rig struct {
	t       *testing.T
	c       client.Client
	engines *webhook.Engines
	events  *record.FakeRecorder
	now     time.Time
	r       *Companions
}

func newRig(t *testing.T, spec string, objs ...client.Object) *rig {
	t.Helper()
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	g := &rig{t: t, engines: &webhook.Engines{}, events: record.NewFakeRecorder(100), now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	g.setPolicy(spec)
	team := map[string]string{"pave.dev/team": "shop"}
	for i, o := range objs { // stored as admission completed them
		if d, ok := o.(*appsv1.Deployment); ok {
			objs[i] = g.admit(d, team)
		}
	}
	objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: team}})
	// The deduced converter for every kind: the client-go converter cannot
	// merge the unstructured objects pave applies into a typed schema.
	b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).WithTypeConverters(managedfields.NewDeducedTypeConverter()).
		WithIndex(&appsv1.Deployment{}, environment.IndexCanaryOf, environment.CanaryOfIndex)
	eng := g.engines.Load()
	managed := eng.WorkloadKinds()
	indexed := map[schema.GroupVersionKind]bool{}
	for _, gvk := range slices.Concat(managed, eng.NamespaceKinds()) {
		if indexed[gvk] {
			continue
		}
		indexed[gvk] = true
		b = b.WithIndex(CacheObject(gvk), IndexOwner, OwnerIndex)
	}
	for _, gvk := range environment.IstioRuleKinds() {
		if indexed[gvk] {
			b = b.WithIndex(CacheObject(gvk), environment.IndexIstioHost, environment.IstioHostIndex)
		}
	}
	g.c = b.WithInterceptorFuncs(interceptor.Funcs{Get: getMetadata, List: listMetadata}).Build()
	g.r = &Companions{Client: g.c, Engines: g.engines, Recorder: g.events, Log: log.Log, Kind: "Deployment", Managed: managed,
		Env:   environment.Builder{Source: environment.Cluster{Reader: g.c}, Now: func() time.Time { return g.now }},
		Clock: func() time.Time { return g.now }}
	return g
}

// getMetadata reads as the cache's metadata-only informers do
// (CacheObject). The fake client, asked for a missing object as metadata,
// goes on to hold that kind as metadata, and an apply then fails to list
// it ("can't assign or convert v1.PartialObjectMetadata into
// unstructured.Unstructured"). So such a read is made whole and cut to its
// metadata, as listMetadata lists.
func getMetadata(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok {
		return c.Get(ctx, key, obj, opts...)
	}
	whole := &unstructured.Unstructured{}
	whole.SetGroupVersionKind(m.GroupVersionKind())
	if err := c.Get(ctx, key, whole, opts...); err != nil {
		return err
	}
	gvk := m.GroupVersionKind()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(whole.Object, m); err != nil {
		return err
	}
	m.SetGroupVersionKind(gvk)
	return nil
}

// listMetadata lists as the cache's metadata-only informers do
// (CacheObject). The fake client cannot list as metadata a kind it holds as
// unstructured (one its scheme lacks: Istio's, the prometheus-operator's,
// Velero's); it answers "can't assign or convert unstructured.Unstructured
// into v1.PartialObjectMetadata". So such a list is read whole and cut to
// its metadata.
func listMetadata(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
	m, ok := list.(*metav1.PartialObjectMetadataList)
	if !ok {
		return c.List(ctx, list, opts...)
	}
	whole := &unstructured.UnstructuredList{}
	whole.SetGroupVersionKind(m.GroupVersionKind())
	if err := c.List(ctx, whole, opts...); err != nil {
		return err
	}
	m.Items = make([]metav1.PartialObjectMetadata, len(whole.Items))
	for i := range whole.Items {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(whole.Items[i].Object, &m.Items[i]); err != nil {
			return err
		}
	}
	return nil
}

// setPolicy puts a policy in force, given by its spec line ("" is the
// built-in policy), as the policy watcher does.
func (g *rig) setPolicy(spec string) {
	g.t.Helper()
	pol := policy.Default()
	if spec != "" {
		var err error
		if pol, _, err = policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\n"+spec+"\n")); err != nil {
			g.t.Fatal(err)
		}
	}
	eng, err := companions.Engine(pol)
	if err != nil {
		g.t.Fatal(err)
	}
	g.engines.Store(eng)
}

// admit is d as the mutating webhook completes it (the sidecar annotations
// the mesh's companions follow, the track label a canary routes by).
func (g *rig) admit(d *appsv1.Deployment, nsLabels map[string]string) *appsv1.Deployment {
	g.t.Helper()
	w, err := workload.New(d)
	if err != nil {
		g.t.Fatal(err)
	}
	res, err := g.engines.Load().Mutate(context.Background(), w, policy.Env{Namespace: policy.Namespace{Name: d.Namespace, Labels: nsLabels}, Now: g.now})
	if err != nil {
		g.t.Fatal(err)
	}
	return res.Mutated.Object.(*appsv1.Deployment)
}

func (g *rig) reconcile(name string) reconcile.Result {
	g.t.Helper()
	res, err := g.r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "shop", Name: name}})
	if err != nil {
		g.t.Fatalf("reconcile %s: %v", name, err)
	}
	return res
}

// get reads a companion in shop, or nil when there is none.
func (g *rig) get(apiVersion, kind, name string) *unstructured.Unstructured {
	g.t.Helper()
	return g.getIn("shop", apiVersion, kind, name)
}

// getIn reads an object in namespace, or nil when there is none.
func (g *rig) getIn(namespace, apiVersion, kind, name string) *unstructured.Unstructured {
	g.t.Helper()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.FromAPIVersionAndKind(apiVersion, kind))
	if err := g.c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, u); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		g.t.Fatal(err)
	}
	return u
}

// drain returns the events recorded so far.
func (g *rig) drain() []string {
	var out []string
	for {
		select {
		case e := <-g.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

func deployment(name string, annotations map[string]string, track string) *appsv1.Deployment {
	labels := map[string]string{"app.kubernetes.io/name": "api", "pave.dev/track": track}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop", UID: types.UID("uid-" + name), Annotations: annotations},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "api", Image: "registry.example.com/shop/api:1.0.0", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
			}}}},
		},
	}
}

// Every companion the engine wants is applied, labelled as pave's and
// controlled by its Deployment (so the garbage collector removes it with the
// Deployment); one deleted by hand comes back; a policy that no longer wants
// some deletes exactly those, with an event on the Deployment.
func TestReconcileOwnsAndPrunesCompanions(t *testing.T) {
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"))
	g.reconcile("api")

	companions := []struct{ apiVersion, kind, name string }{
		{"networking.istio.io/v1", "DestinationRule", "pave-api"},
		{"networking.istio.io/v1", "VirtualService", "pave-api"},
		{"networking.k8s.io/v1", "NetworkPolicy", "pave-zone-api"},
		{"monitoring.coreos.com/v1", "PodMonitor", "pave-api"},
		{"v1", "ConfigMap", "pave-api-dashboard"},
	}
	for _, c := range companions {
		u := g.get(c.apiVersion, c.kind, c.name)
		if u == nil {
			t.Errorf("%s %s was not applied", c.kind, c.name)
			continue
		}
		ref := metav1.GetControllerOf(u)
		if ref == nil || ref.Kind != "Deployment" || ref.Name != "api" || ref.UID != "uid-api" || ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
			t.Errorf("%s %s: controller %+v, want the Deployment api blocking its deletion", c.kind, c.name, ref)
		}
		if u.GetLabels()[v1alpha1.LabelManagedBy] != "pave" {
			t.Errorf("%s %s: labels %v lack %s=pave", c.kind, c.name, u.GetLabels(), v1alpha1.LabelManagedBy)
		}
	}

	// A companion a user deletes is applied again.
	dr := g.get("networking.istio.io/v1", "DestinationRule", "pave-api")
	if err := g.c.Delete(context.Background(), dr); err != nil {
		t.Fatal(err)
	}
	g.reconcile("api")
	if g.get("networking.istio.io/v1", "DestinationRule", "pave-api") == nil {
		t.Error("the deleted DestinationRule did not come back")
	}
	g.drain()

	// The mesh turned off: its companions go, the rest stay.
	g.setPolicy("spec: {mesh: {mode: \"off\"}}")
	g.reconcile("api")
	for _, c := range companions {
		gone := c.kind == "DestinationRule" || c.kind == "VirtualService"
		if got := g.get(c.apiVersion, c.kind, c.name); (got == nil) != gone {
			t.Errorf("%s %s: present=%v after the mesh was turned off", c.kind, c.name, got != nil)
		}
	}
	events := g.drain()
	for _, want := range []string{"Normal CompanionDeleted DestinationRule pave-api is no longer wanted", "Normal CompanionDeleted VirtualService pave-api is no longer wanted"} {
		if !slices.Contains(events, want) {
			t.Errorf("events %q lack %q", events, want)
		}
	}
}

// A canary with steps advances one step per interval, by the controller's
// clock: its status annotation and an event say where it stands, the
// reconciler asks to look again when the next step is due, and the stable's
// VirtualService carries the weights. Deleting the canary routes everything
// to the stable again.
func TestCanaryProgressesByItsSteps(t *testing.T) {
	canary := deployment("api-canary", map[string]string{
		v1alpha1.AnnotationCanaryOf: "api", v1alpha1.AnnotationCanarySteps: "10,50,100", v1alpha1.AnnotationCanaryInterval: "10m",
	}, "canary")
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"), canary)
	start := g.now

	step := func(at time.Duration, want map[string]int64, wantAfter time.Duration, wantEvent string) {
		t.Helper()
		g.now = start.Add(at)
		if res := g.reconcile("api-canary"); res.RequeueAfter != wantAfter {
			t.Errorf("at %s: look again after %s, want %s", at, res.RequeueAfter, wantAfter)
		}
		events := g.drain()
		if wantEvent == "" && len(events) > 0 || wantEvent != "" && (len(events) != 1 || !strings.Contains(events[0], wantEvent)) {
			t.Errorf("at %s: events %q, want %q", at, events, wantEvent)
		}
		g.reconcile("api")
		if got := weights(t, g.get("networking.istio.io/v1", "VirtualService", "pave-api")); !maps.Equal(got, want) {
			t.Errorf("at %s: VirtualService routes %v, want %v", at, got, want)
		}
	}
	step(0, map[string]int64{"stable": 90, "canary": 10}, 10*time.Minute, "CanaryProgress step 1 of 3: 90% stable api, 10% canary")
	step(5*time.Minute, map[string]int64{"stable": 90, "canary": 10}, 5*time.Minute, "")
	step(10*time.Minute, map[string]int64{"stable": 50, "canary": 50}, 10*time.Minute, "CanaryProgress step 2 of 3: 50% stable api, 50% canary")
	step(20*time.Minute, map[string]int64{"canary": 100}, 0, "step 3 of 3: 0% stable api, 100% canary; promote")

	stored := &appsv1.Deployment{}
	if err := g.c.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: "api-canary"}, stored); err != nil {
		t.Fatal(err)
	}
	if s := stored.Annotations[v1alpha1.AnnotationCanaryStatus]; !strings.Contains(s, `"weight":100,"step":2`) {
		t.Errorf("status annotation %s, want weight 100 at step 2", s)
	}

	if err := g.c.Delete(context.Background(), stored); err != nil {
		t.Fatal(err)
	}
	g.reconcile("api")
	if got := weights(t, g.get("networking.istio.io/v1", "VirtualService", "pave-api")); !maps.Equal(got, map[string]int64{"": 100}) {
		t.Errorf("without the canary the VirtualService routes %v, want all to the service", got)
	}
	if r := stableOf(context.Background(), canary); len(r) != 1 || r[0].Name != "api" || r[0].Namespace != "shop" {
		t.Errorf("a change to the canary reconciles %v, want its stable shop/api", r)
	}
}

// An invalid canary is reported, not advanced.
func TestInvalidCanaryIsReported(t *testing.T) {
	canary := deployment("api-canary", map[string]string{v1alpha1.AnnotationCanaryOf: "api", v1alpha1.AnnotationCanarySteps: "50,10"}, "canary")
	g := newRig(t, "spec: {mesh: {mode: istio}}", deployment("api", nil, "stable"), canary)
	if res := g.reconcile("api-canary"); res.RequeueAfter != 0 {
		t.Errorf("an invalid canary is looked at again after %s", res.RequeueAfter)
	}
	events := g.drain()
	if len(events) == 0 || !strings.HasPrefix(events[0], "Warning CanaryInvalid "+v1alpha1.AnnotationCanarySteps) {
		t.Errorf("events %q, want a CanaryInvalid warning naming the steps", events)
	}
}

// weights are the shares of the VirtualService's default route by subset
// ("" is the whole service); a lone destination takes all, as in Istio.
func weights(t *testing.T, vs *unstructured.Unstructured) map[string]int64 {
	t.Helper()
	if vs == nil {
		t.Fatal("no VirtualService")
	}
	routes, _, _ := unstructured.NestedSlice(vs.Object, "spec", "http")
	out := map[string]int64{}
	for _, r := range routes {
		m := r.(map[string]any)
		if m["name"] != "default" {
			continue
		}
		dests, _, _ := unstructured.NestedSlice(m, "route")
		for _, d := range dests {
			subset, _, _ := unstructured.NestedString(d.(map[string]any), "destination", "subset")
			w, found, _ := unstructured.NestedInt64(d.(map[string]any), "weight")
			if !found && len(dests) == 1 {
				w = 100
			}
			out[subset] = w
		}
	}
	return out
}

// A resync after a policy change asks for every workload of the kind, read
// typed: the reconciler's own informer of the kind serves it. An
// unstructured list would start a second informer of every workload,
// watched as JSON and decoded on every status update.
func TestResyncReadsTheTypedWorkloads(t *testing.T) {
	g := newRig(t, "", deployment("api", nil, "stable"), deployment("web", nil, "stable"))
	var lists []string
	g.r.Client = interceptor.NewClient(g.c.(client.WithWatch), interceptor.Funcs{
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			lists = append(lists, fmt.Sprintf("%T", list))
			return c.List(ctx, list, opts...)
		},
	})
	var got []string
	for _, req := range g.r.all(context.Background(), nil) {
		got = append(got, req.String())
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"shop/api", "shop/web"}) {
		t.Errorf("resync asked for %v, want shop/api and shop/web", got)
	}
	if !slices.Equal(lists, []string{"*v1.DeploymentList"}) {
		t.Errorf("resync listed %v, want the typed DeploymentList alone", lists)
	}
}
