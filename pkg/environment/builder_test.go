package environment_test

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
)

func deployment(name, canaryOf string) appsv1.Deployment {
	d := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop"}}
	if canaryOf != "" {
		d.Annotations = map[string]string{v1alpha1.AnnotationCanaryOf: canaryOf}
	}
	return d
}

func TestBuilder(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	src := environment.Static{
		Namespaces:       map[string]map[string]string{"shop": {v1alpha1.LabelZone: "restricted"}},
		DefaultLabels:    map[string]string{v1alpha1.LabelZone: "public"},
		PolicyExceptions: []v1alpha1.PolicyException{{ObjectMeta: metav1.ObjectMeta{Name: "e", Namespace: "pave-system"}}},
		DeploymentsByNamespace: map[string][]appsv1.Deployment{"shop": {
			deployment("web", ""), deployment("web-canary-b", "web"), deployment("web-canary-a", "web"), deployment("api-canary", "api"),
		}},
	}
	b := environment.Builder{Source: src, Now: func() time.Time { return now }}
	p := policy.Default()

	env, err := b.Env(context.Background(), p, environment.Request{Namespace: "shop", CanaryOf: "web", User: policy.User{Name: "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	if env.Namespace.Labels[v1alpha1.LabelZone] != "restricted" || env.Now != now || env.User.Name != "dev" || env.Policy != p {
		t.Fatalf("env: %+v", env)
	}
	if env.Exceptions != nil {
		t.Error("exceptions read without being asked for (mutation never needs them)")
	}
	if env.Canary == nil || env.Canary.Name() != "web-canary-a" {
		t.Fatalf("canary: %v, want the first by name", env.Canary)
	}
	_, ignored, _ := b.Canary(context.Background(), "shop", "web")
	if len(ignored) != 1 || ignored[0] != "web-canary-b" {
		t.Errorf("ignored canaries: %v", ignored)
	}

	env, err = b.Env(context.Background(), p, environment.Request{Namespace: "elsewhere", Exceptions: true})
	if err != nil {
		t.Fatal(err)
	}
	if env.Namespace.Labels[v1alpha1.LabelZone] != "public" || len(env.Exceptions) != 1 || env.Canary != nil {
		t.Fatalf("a namespace the input does not define: %+v", env)
	}
}
