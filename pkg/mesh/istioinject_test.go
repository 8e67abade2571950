package mesh_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// Istio's injector selects pods by its webhooks' selectors and then reads
// the pod's switch; pave reads both as Istio does, to know whose the proxy's
// image placeholder is.
func TestIstioInjects(t *testing.T) {
	for _, tc := range []struct {
		name, meta string
		namespace  map[string]string
		want       bool
	}{
		{"labelled for the object webhook", `labels: {sidecar.istio.io/inject: "true"}`, nil, true},
		{"nothing selects it", `labels: {app: a}`, nil, false},
		{"an annotation alone selects nothing", `annotations: {sidecar.istio.io/inject: "true"}`, nil, false},
		{"a namespace with injection on", `labels: {app: a}`, map[string]string{"istio-injection": "enabled"}, true},
		{"a namespace with injection off", `labels: {app: a}`, map[string]string{"istio-injection": "disabled"}, false},
		{"switched off in an injected namespace", `labels: {sidecar.istio.io/inject: "false"}`, map[string]string{"istio-injection": "enabled"}, false},
		{"switched off by annotation", `annotations: {sidecar.istio.io/inject: "false"}`, map[string]string{"istio-injection": "enabled"}, false},
		{"the label wins over the annotation", `labels: {sidecar.istio.io/inject: "yes"}, annotations: {sidecar.istio.io/inject: "false"}`,
			map[string]string{"istio-injection": "enabled"}, true},
		{"a revision on the namespace", `labels: {app: a}`, map[string]string{"istio.io/rev": "1-28"}, true},
		{"a revision on the pod", `labels: {istio.io/rev: "1-28"}`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata: {`+tc.meta+`}
    spec: {containers: [{name: istio-proxy, image: auto}]}`)
			if got := mesh.IstioInjects(w, tc.namespace); got != tc.want {
				t.Errorf("IstioInjects = %v, want %v", got, tc.want)
			}
			c := &w.PodSpec.Containers[0]
			if got := mesh.IstioFillsImage(w, c, tc.namespace); got != tc.want {
				t.Errorf("IstioFillsImage = %v, want %v", got, tc.want)
			}
		})
	}
}

// Only Istio's proxy container takes the placeholder, and only in a
// template: a Pod that still holds it was not injected.
func TestIstioFillsOnlyItsProxysImage(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      bool
	}{
		{"the proxy in a template", `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {metadata: {labels: {sidecar.istio.io/inject: "true"}}, spec: {containers: [{name: istio-proxy, image: auto}]}}}`, true},
		{"another container", `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {metadata: {labels: {sidecar.istio.io/inject: "true"}}, spec: {containers: [{name: app, image: auto}]}}}`, false},
		{"a pinned proxy", `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {metadata: {labels: {sidecar.istio.io/inject: "true"}}, spec: {containers: [{name: istio-proxy, image: "proxyv2:1.28.1"}]}}}`, false},
		{"a Pod", `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {sidecar.istio.io/inject: "true"}}
spec: {containers: [{name: istio-proxy, image: auto}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, tc.doc)
			if got := mesh.IstioFillsImage(w, &w.PodSpec.Containers[0], nil); got != tc.want {
				t.Errorf("IstioFillsImage = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIstioGateway(t *testing.T) {
	for meta, want := range map[string]bool{
		`annotations: {inject.istio.io/templates: gateway}`:            true,
		`annotations: {inject.istio.io/templates: "sidecar, gateway"}`: true,
		`annotations: {inject.istio.io/templates: sidecar}`:            false,
		`labels: {app: a}`: false,
	} {
		w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {metadata: {`+meta+`}, spec: {containers: [{name: istio-proxy, image: auto}]}}}`)
		if got := mesh.IstioGateway(w); got != want {
			t.Errorf("%s: IstioGateway = %v, want %v", meta, got, want)
		}
	}
}

// Istio's injector takes out what its status lists before it injects again;
// a status it cannot read lists nothing.
func TestIstioStrips(t *testing.T) {
	for _, tc := range []struct {
		status string
		init   bool
		want   bool
	}{
		{`'{"initContainers":["istio-proxy"],"containers":null}'`, true, true},
		{`'{"initContainers":["istio-proxy"],"containers":null}'`, false, false},
		{`'{"initContainers":null,"containers":["istio-proxy"]}'`, false, true},
		{`'not json'`, true, false},
	} {
		w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {metadata: {annotations: {sidecar.istio.io/status: `+tc.status+`}}, spec: {containers: [{name: app, image: 'x:1'}]}}}`)
		if got := mesh.IstioStrips(w, "istio-proxy", tc.init); got != tc.want {
			t.Errorf("status %s, init %v: IstioStrips = %v, want %v", tc.status, tc.init, got, tc.want)
		}
	}
}
