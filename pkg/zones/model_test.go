package zones_test

import (
	"context"
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
	"github.com/pave-dev/pave/pkg/zones"
)

// Which workloads get a policy of their own, and on which ports.
func TestIngressPorts(t *testing.T) {
	env := workloadtest.Env()
	env.Namespace = policy.Namespace{Name: "shop", Labels: map[string]string{v1alpha1.LabelZone: "public"}}
	for _, c := range []struct {
		name, doc string
		ports     []int32 // nil: no policy
	}{
		{"ports of app containers and native sidecars", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      initContainers:
      - {name: init, image: x:1, ports: [{containerPort: 1111}]}
      - {name: proxy, image: x:1, restartPolicy: Always, ports: [{containerPort: 2222}]}
      containers: [{name: web, image: x:1, ports: [{containerPort: 8080}, {containerPort: 8080}]}]`, []int32{2222, 8080}},
		{"no ports: the namespace's default deny is enough", `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec: {selector: {matchLabels: {app: w}}, template: {spec: {containers: [{name: w, image: x:1}]}}}`, nil},
		{"host network: no network policy applies", `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec: {selector: {matchLabels: {app: a}}, template: {spec: {hostNetwork: true, containers: [{name: a, image: x:1, ports: [{containerPort: 9100}]}]}}}`, nil},
		{"a bare pod is left to the default deny", `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: x:1, ports: [{containerPort: 80}]}]}`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			objs, err := zones.Ingress{}.Generate(context.Background(), workloadtest.FromYAML(t, c.doc), env)
			if err != nil {
				t.Fatal(err)
			}
			if c.ports == nil {
				if len(objs) != 0 {
					t.Fatalf("%d objects, want none", len(objs))
				}
				return
			}
			if len(objs) != 1 {
				t.Fatalf("%d objects, want one NetworkPolicy", len(objs))
			}
			var got []int32
			for _, p := range objs[0].(*networkingv1.NetworkPolicy).Spec.Ingress[0].Ports {
				got = append(got, p.Port.IntVal)
			}
			if !slices.Equal(got, c.ports) {
				t.Errorf("ports %v, want %v", got, c.ports)
			}
		})
	}
}

// The platform's shared namespaces are never isolated: an ingress
// controller behind a default deny would cut every zone off the outside.
func TestPlatformNamespacesAreLeftAlone(t *testing.T) {
	env := workloadtest.Env()
	for _, ns := range []string{"ingress-nginx", "monitoring", "istio-system", "kube-system"} {
		env.Namespace = policy.Namespace{Name: ns}
		objs, err := zones.Baseline{}.GenerateNamespace(context.Background(), env)
		if err != nil || len(objs) != 0 {
			t.Errorf("%s: %d objects (%v), want none", ns, len(objs), err)
		}
	}
	env.Namespace = policy.Namespace{Name: "shop"}
	if objs, _ := (zones.Baseline{}).GenerateNamespace(context.Background(), env); len(objs) != 1 {
		t.Errorf("shop: %d objects, want its baseline", len(objs))
	}
}
