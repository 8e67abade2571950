package mutators_test

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestResources(t *testing.T) {
	cases := []struct {
		name      string
		resources string // YAML flow mapping for the container's resources
		wantReq   map[string]string
		wantLim   map[string]string
		changed   bool
	}{
		{"nothing set: the policy defaults", `{}`,
			map[string]string{"cpu": "100m", "memory": "128Mi"}, map[string]string{"memory": "256Mi"}, true},
		{"requests above the default limit raise the limit to the request", `{requests: {cpu: "2", memory: 1Gi}}`,
			map[string]string{"cpu": "2", "memory": "1Gi"}, map[string]string{"memory": "1Gi"}, true},
		{"a limit below the default request becomes the request", `{limits: {cpu: 50m, memory: 64Mi}}`,
			map[string]string{"cpu": "50m", "memory": "64Mi"}, map[string]string{"cpu": "50m", "memory": "64Mi"}, true},
		{"everything set: untouched", `{requests: {cpu: 300m, memory: 300Mi}, limits: {memory: 400Mi}}`,
			map[string]string{"cpu": "300m", "memory": "300Mi"}, map[string]string{"memory": "400Mi"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers: [{name: init, image: x:1, resources: `+c.resources+`}]
      containers: [{name: web, image: x:1, resources: `+c.resources+`}]`)
			changed, err := mutators.Resources{}.Mutate(context.Background(), w, workloadtest.Env())
			if err != nil || changed != c.changed {
				t.Fatalf("changed=%v err=%v, want changed=%v", changed, err, c.changed)
			}
			for _, ctr := range append(w.PodSpec.InitContainers, w.PodSpec.Containers...) {
				r := ctr.Resources
				if len(r.Requests) != len(c.wantReq) || len(r.Limits) != len(c.wantLim) {
					t.Fatalf("%s: requests %v limits %v, want %v %v", ctr.Name, r.Requests, r.Limits, c.wantReq, c.wantLim)
				}
				for k, v := range c.wantReq {
					if q := r.Requests[corev1Name(k)]; q.String() != v {
						t.Errorf("%s: request %s = %s, want %s", ctr.Name, k, q.String(), v)
					}
				}
				for k, v := range c.wantLim {
					if q := r.Limits[corev1Name(k)]; q.String() != v {
						t.Errorf("%s: limit %s = %s, want %s", ctr.Name, k, q.String(), v)
					}
				}
			}
			if again, _ := (mutators.Resources{}).Mutate(context.Background(), w, workloadtest.Env()); again {
				t.Error("second run changed something: not idempotent")
			}
		})
	}
}

// What the pod budgets at pod level its containers share: a default of their
// own could take the pod past its budget, which the API server refuses.
// What it does not budget is defaulted as anywhere.
func TestResourcesLeaveThePodsBudget(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      resources: {requests: {cpu: 100m}, limits: {memory: 128Mi}}
      initContainers: [{name: init, image: x:1}]
      containers: [{name: web, image: x:1}, {name: cache, image: x:1, resources: {limits: {cpu: 50m}}}]`)
	// The built-in policy defaults cpu and memory, both of which the pod budgets.
	changed, err := mutators.Resources{}.Mutate(context.Background(), w, workloadtest.Env())
	if err != nil || changed {
		t.Fatalf("changed=%v err=%v, want nothing changed", changed, err)
	}
	for _, c := range append(w.PodSpec.InitContainers, w.PodSpec.Containers...) {
		r := c.Resources
		if _, ok := r.Requests[corev1Name("memory")]; ok {
			t.Errorf("%s: a memory request %v in a pod whose memory is budgeted", c.Name, r.Requests)
		}
		if _, ok := r.Limits[corev1Name("memory")]; ok {
			t.Errorf("%s: a memory limit %v in a pod whose memory is budgeted", c.Name, r.Limits)
		}
		if _, ok := r.Requests[corev1Name("cpu")]; ok {
			t.Errorf("%s: a cpu request %v in a pod whose cpu is budgeted", c.Name, r.Requests)
		}
	}
	if q := w.PodSpec.Containers[1].Resources.Limits[corev1Name("cpu")]; q.String() != "50m" {
		t.Errorf("the cache's own cpu limit became %s", q.String())
	}
	// Ephemeral storage is named by no pod-level budget: defaulted.
	env := workloadtest.Env()
	env.Policy.Spec.Resources.DefaultRequests[corev1Name("ephemeral-storage")] = resource.MustParse("1Gi")
	if changed, _ := (mutators.Resources{}).Mutate(context.Background(), w, env); !changed {
		t.Fatal("ephemeral storage, which the pod does not budget, was not defaulted")
	}
	if q := w.PodSpec.Containers[0].Resources.Requests[corev1Name("ephemeral-storage")]; q.String() != "1Gi" {
		t.Errorf("ephemeral-storage request = %s, want 1Gi", q.String())
	}
}
