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

// Pods running before pave, without a zone label, get their zone's: the
// zone's network policies select Pods by it. A Pod that has one keeps it, a
// Pod that narrows its zone by annotation joins that zone where the policy
// allows it, and nothing is labelled where pave does not govern or
// isolation is off.
func TestPodsThatPredatePaveJoinTheirZone(t *testing.T) {
	pod := func(ns, name string, labels, annotations map[string]string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: annotations},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27.3"}}}}
	}
	g := newRig(t, "spec: {zones: {allowNarrowing: true}}",
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}},
		pod("shop", "old", map[string]string{"app": "web"}, nil),
		pod("shop", "narrow", map[string]string{"app": "vault"}, map[string]string{"pave.dev/zone": "restricted"}),
		pod("shop", "new", map[string]string{"app": "web", "pave.dev/zone": "internal"}, nil),
		pod("kube-system", "dns", map[string]string{"k8s-app": "kube-dns"}, nil))
	r := &Namespaces{Client: g.c, Engines: g.engines, Env: g.r.Env, Recorder: g.events, Log: log.Log,
		Managed: g.engines.Load().NamespaceKinds(), Skip: []string{"kube-system"}, Pods: g.c}
	for _, ns := range []string{"shop", "kube-system"} {
		if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: ns}}); err != nil {
			t.Fatalf("reconcile %s: %v", ns, err)
		}
	}
	zone := func(ns, name string) string {
		var p corev1.Pod
		if err := g.c.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &p); err != nil {
			t.Fatal(err)
		}
		if p.Labels["app"] == "" && p.Labels["k8s-app"] == "" {
			t.Errorf("pod %s/%s lost its labels: %v", ns, name, p.Labels)
		}
		return p.Labels["pave.dev/zone"]
	}
	for _, c := range []struct{ ns, name, want string }{
		{"shop", "old", "internal"}, {"shop", "narrow", "restricted"}, {"shop", "new", "internal"}, {"kube-system", "dns", ""},
	} {
		if got := zone(c.ns, c.name); got != c.want {
			t.Errorf("pod %s/%s: zone %q, want %q", c.ns, c.name, got, c.want)
		}
	}
	if events := g.drain(); !slices.ContainsFunc(events, func(e string) bool {
		return e == "Normal PodsJoinedZone labelled 2 running Pods that had no pave.dev/zone label with their zone, as their zone's network policies select them"
	}) {
		t.Errorf("events %q lack the Namespace's PodsJoinedZone", events)
	}

	g.setPolicy(`spec: {zones: {isolation: {target: "off"}}}`)
	if err := g.c.Create(context.Background(), pod("shop", "later", map[string]string{"app": "web"}, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: "shop"}}); err != nil {
		t.Fatal(err)
	}
	if got := zone("shop", "later"); got != "" {
		t.Errorf("with isolation off a Pod was labelled %q", got)
	}
}
