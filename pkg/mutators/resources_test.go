package mutators_test

import (
	"context"
	"testing"

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
