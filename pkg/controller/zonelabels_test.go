package controller

import (
	"context"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Running Pods are labelled with the zone they are in, in place: those from
// before pave (no label), and a controller's Pods whose namespace moved to
// another zone. A bare Pod's label stays (its own claim), a Pod that
// narrows its zone where the policy allows it joins that zone, and nothing
// is labelled where pave does not govern or isolation is off.
func TestPodsAreLabelledWithTheirZone(t *testing.T) {
	owned := []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", UID: "uid-rs", Controller: new(true)}}
	pod := func(ns, name string, labels, annotations map[string]string, owners []metav1.OwnerReference) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: annotations, OwnerReferences: owners},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27.3"}}}}
	}
	g := newRig(t, "spec: {zones: {allowNarrowing: true}}",
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}},
		pod("shop", "old", map[string]string{"app": "web"}, nil, owned),
		pod("shop", "narrow", map[string]string{"app": "vault"}, map[string]string{"pave.dev/zone": "restricted"}, nil),
		pod("shop", "new", map[string]string{"app": "web", "pave.dev/zone": "internal"}, nil, owned),
		pod("shop", "narrowed", map[string]string{"app": "vault", "pave.dev/zone": "restricted"}, nil, owned),
		pod("shop", "moved", map[string]string{"app": "web", "pave.dev/zone": "public"}, nil, owned),
		pod("shop", "bare", map[string]string{"app": "tool", "pave.dev/zone": "public"}, nil, nil),
		pod("kube-system", "dns", map[string]string{"k8s-app": "kube-dns"}, nil, nil))
	r := &Namespaces{Client: g.c, Engines: g.engines, Env: g.r.Env, Recorder: g.events, Log: log.Log,
		Managed: g.engines.Load().NamespaceKinds(), Skip: []string{"kube-system"}, Pods: g.c}
	reconcileAll := func() {
		t.Helper()
		for _, ns := range []string{"shop", "kube-system"} {
			if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: ns}}); err != nil {
				t.Fatalf("reconcile %s: %v", ns, err)
			}
		}
	}
	zone := func(ns, name string) string {
		t.Helper()
		var p corev1.Pod
		if err := g.c.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &p); err != nil {
			t.Fatal(err)
		}
		if p.Labels["app"] == "" && p.Labels["k8s-app"] == "" {
			t.Errorf("pod %s/%s lost its labels: %v", ns, name, p.Labels)
		}
		return p.Labels["pave.dev/zone"]
	}
	reconcileAll()
	for _, c := range []struct{ ns, name, want string }{
		{"shop", "old", "internal"}, {"shop", "narrow", "restricted"}, {"shop", "new", "internal"}, {"shop", "narrowed", "restricted"},
		{"shop", "moved", "internal"}, {"shop", "bare", "public"}, {"kube-system", "dns", ""},
	} {
		if got := zone(c.ns, c.name); got != c.want {
			t.Errorf("pod %s/%s: zone %q, want %q", c.ns, c.name, got, c.want)
		}
	}
	want := "Normal PodsJoinedZone labelled 3 running Pods with the zone they are in (pave.dev/zone), which their zone's network policies select them by"
	if events := g.drain(); !slices.Contains(events, want) {
		t.Errorf("events %q lack %q", events, want)
	}

	// The namespace moves to zone restricted: its controllers' Pods follow.
	var ns corev1.Namespace
	if err := g.c.Get(context.Background(), types.NamespacedName{Name: "shop"}, &ns); err != nil {
		t.Fatal(err)
	}
	ns.Labels["pave.dev/zone"] = "restricted"
	if err := g.c.Update(context.Background(), &ns); err != nil {
		t.Fatal(err)
	}
	reconcileAll()
	for name, want := range map[string]string{"old": "restricted", "new": "restricted", "moved": "restricted", "narrowed": "restricted", "bare": "public"} {
		if got := zone("shop", name); got != want {
			t.Errorf("after the move, pod shop/%s: zone %q, want %q", name, got, want)
		}
	}

	g.setPolicy(`spec: {zones: {isolation: {target: "off"}}}`)
	if err := g.c.Create(context.Background(), pod("shop", "later", map[string]string{"app": "web"}, nil, nil)); err != nil {
		t.Fatal(err)
	}
	reconcileAll()
	if got := zone("shop", "later"); got != "" {
		t.Errorf("with isolation off a Pod was labelled %q", got)
	}
}
