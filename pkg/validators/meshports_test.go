package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// In delegate mode Istio's injector adds its proxy, with these ports, to each
// Pod: the Pod is not judged, its template is.
func TestMeshPortsLeaveIstiosProxy(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {sidecar.istio.io/inject: "true"}, annotations: {sidecar.istio.io/status: "{}"}}
spec:
  containers:
  - {name: app, image: 'x:1', ports: [{containerPort: 8080}]}
  - {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1', ports: [{containerPort: 15090, name: http-envoy-prom}]}`)
	assertRules(t, validators.MeshPorts{}.Validate(context.Background(), w, workloadtest.MeshEnv(t, v1alpha1.MeshDelegate)))
}

// The proxy starts first and holds its ports: a container that declares one
// cannot bind it. pave's own proxy declares them, and pods without a proxy
// may use them.
func TestMeshPorts(t *testing.T) {
	for _, tc := range []struct {
		name, mode, containers string
		inject                 bool
		field                  string // of the finding, if any
	}{
		{"a port of the proxy's", "istio", "[{name: app, image: 'x:1', ports: [{containerPort: 8080}, {containerPort: 15090}]}]", true, "spec.template.spec.containers[0].ports[1].containerPort"},
		{"the proxy's own ports", "istio", "[{name: app, image: 'x:1', ports: [{containerPort: 8080}]}]", true, ""},
		{"no proxy in the pod", "istio", "[{name: app, image: 'x:1', ports: [{containerPort: 15021}]}]", false, ""},
		{"mesh off", "off", "[{name: app, image: 'x:1', ports: [{containerPort: 15021}]}]", true, ""},
		{"delegate, labelled for Istio's injector", "delegate", "[{name: app, image: 'x:1', ports: [{containerPort: 15006}]}]", true, "spec.template.spec.containers[0].ports[0].containerPort"},
		// Istio's injector makes a container of its proxy's name its proxy
		// (customizing injection; its gateway chart's, port 15090 declared).
		{"delegate, Istio's proxy customized", "delegate", "[{name: istio-proxy, image: auto, ports: [{containerPort: 15090}]}]", true, ""},
		{"delegate, beside Istio's proxy customized", "delegate", "[{name: istio-proxy, image: auto}, {name: app, image: 'x:1', ports: [{containerPort: 15090}]}]", true,
			"spec.template.spec.containers[1].ports[0].containerPort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec: {containers: `+tc.containers+`}`)
			env := workloadtest.MeshEnv(t, v1alpha1.MeshMode(tc.mode))
			if tc.inject {
				if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
					t.Fatal(err)
				}
			}
			got := validators.MeshPorts{}.Validate(context.Background(), w, env)
			if tc.field == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "mesh-ports")
			if got[0].Field != tc.field {
				t.Errorf("field %s, want %s", got[0].Field, tc.field)
			}
		})
	}
}
