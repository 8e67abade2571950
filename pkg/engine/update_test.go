package engine_test

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// An object over a bound before pave (or while its webhook failed open)
// keeps its updates while it does not grow: it may shrink toward the bound
// or change elsewhere, but an update that adds labels or hosts past what it
// had is denied, so the memory the bound protects cannot be filled by
// growing it.
func TestABoundStaysPreexistingOnlyWhileItDoesNotGrow(t *testing.T) {
	e := defaultEngine(t)
	ctx := context.Background()
	deployment := func(labels int, image string) *workload.Workload {
		l := map[string]string{"app": "web"}
		for i := len(l); i < labels; i++ {
			l[fmt.Sprintf("extra-%d", i)] = "x"
		}
		d := &appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", Labels: l},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: image}}}}}}
		w, err := workload.New(d)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	ingressOf := func(hosts int) *networkingv1.Ingress {
		ing := &networkingv1.Ingress{TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"}}
		for i := range hosts {
			ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{Host: fmt.Sprintf("h%d.example.com", i)})
		}
		return ing
	}
	denied := func(vs []policy.Violation, rule string) bool {
		for _, v := range vs {
			if v.Rule == rule && v.Denies() {
				return true
			}
		}
		return false
	}
	over := validators.MaxLabels + 6
	for _, c := range []struct {
		name          string
		before, after int
		image         string
		deny          bool
	}{
		{"unchanged labels, a new image", over, over, "nginx:1.27.4", false},
		{"fewer labels, still over", over, over - 3, "nginx:1.27.3", false},
		{"one label more", over, over + 1, "nginx:1.27.3", true},
		{"thousands more", over, 5000, "nginx:1.27.3", true},
		{"over the bound from within it", validators.MaxLabels, over, "nginx:1.27.3", true},
	} {
		vs, _, err := e.ValidateUpdate(ctx, deployment(c.after, c.image), deployment(c.before, "nginx:1.27.3"), workloadtest.Env())
		if err != nil {
			t.Fatal(err)
		}
		if got := denied(vs, "label-bound"); got != c.deny {
			t.Errorf("Deployment, %s (%d to %d labels): denied %v, want %v", c.name, c.before, c.after, got, c.deny)
		}
	}
	for _, c := range []struct {
		name          string
		before, after int
		deny          bool
	}{
		{"the same hosts", ingress.MaxHosts + 10, ingress.MaxHosts + 10, false},
		{"fewer hosts, still over", ingress.MaxHosts + 10, ingress.MaxHosts + 1, false},
		{"thousands more", ingress.MaxHosts + 10, 5000, true},
	} {
		vs, _, err := e.ValidateObject(ctx, ingressOf(c.after), ingressOf(c.before), workloadtest.Env())
		if err != nil {
			t.Fatal(err)
		}
		if got := denied(vs, "ingress-host"); got != c.deny {
			t.Errorf("Ingress, %s (%d to %d hosts): denied %v, want %v", c.name, c.before, c.after, got, c.deny)
		}
	}
}
