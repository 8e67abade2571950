package engine_test

import (
	"context"
	"fmt"
	"slices"
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

// A workload whose grace period was over its tier's bound before (a tier
// tightened, a workload from before pave) keeps its updates while they do
// not raise it: a new image, or a grace period lowered toward the bound
// but still over it, is admitted; a higher one is denied, and so is a
// workload within the bound raised past it.
func TestAGracePeriodOverItsTierMayFallButNotRise(t *testing.T) {
	e := defaultEngine(t)
	deployment := func(grace int64, image string) *workload.Workload {
		return workloadtest.FromYAML(t, fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {terminationGracePeriodSeconds: %d, containers: [{name: web, image: %q}]}}}", grace, image))
	}
	for _, c := range []struct {
		name          string
		before, after int64
		image         string
		deny          bool
	}{
		{"the same grace period, a new image", 7200, 7200, "nginx:1.27.4", false},
		{"lowered, still over the 1800 seconds of the default tier", 7200, 3600, "nginx:1.27.3", false},
		{"raised", 7200, 7201, "nginx:1.27.3", true},
		{"over the bound from within it", 1800, 1801, "nginx:1.27.3", true},
	} {
		vs, _, err := e.ValidateUpdate(context.Background(), deployment(c.after, c.image), deployment(c.before, "nginx:1.27.3"), workloadtest.Env())
		if err != nil {
			t.Fatal(err)
		}
		denied := slices.ContainsFunc(vs, func(v policy.Violation) bool { return v.Rule == "termination-grace" && v.Denies() })
		if denied != c.deny {
			t.Errorf("%s (%d to %d seconds): denied %v, want %v: %+v", c.name, c.before, c.after, denied, c.deny, vs)
		}
	}
}

// A Pod that carried a finalizer nothing removes before pave keeps its
// updates while they add none: taking one off is admitted, adding one is
// denied.
func TestAPodsFinalizersMayGoButNotGrow(t *testing.T) {
	e := defaultEngine(t)
	pod := func(finalizers string) *workload.Workload {
		return workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, finalizers: ["+finalizers+"]}\nspec: {containers: [{name: c, image: 'nginx:1.27.3'}]}")
	}
	for _, c := range []struct {
		name, before, after string
		deny                bool
	}{
		{"one taken off", "example.com/a, example.com/b", "example.com/a", false},
		{"the same", "example.com/a", "example.com/a", false},
		{"one added", "example.com/a", "example.com/a, example.com/b", true},
		{"the first", "", "example.com/a", true},
	} {
		vs, _, err := e.ValidateUpdate(context.Background(), pod(c.after), pod(c.before), workloadtest.Env())
		if err != nil {
			t.Fatal(err)
		}
		denied := slices.ContainsFunc(vs, func(v policy.Violation) bool { return v.Rule == "pod-finalizers" && v.Denies() })
		if denied != c.deny {
			t.Errorf("%s: denied %v, want %v: %+v", c.name, denied, c.deny, vs)
		}
	}
}
