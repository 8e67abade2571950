package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestMeshFinalState(t *testing.T) {
	const copiedHash = `, annotations: {pave.dev/sidecar-status: 0123456789abcdef}`
	const gateway = `, annotations: {inject.istio.io/templates: gateway}`
	const gatewayProxy = "containers: [{name: istio-proxy, image: auto, ports: [{containerPort: 15090}], securityContext: {runAsUser: 1337, runAsGroup: 1337}}]"
	cases := []struct {
		name, mode, zone, labels, spec, annotations string
		kind, containers                            string
		inject                                      bool
		strip                                       string // an annotation taken off after injection
		want                                        []string
	}{
		{name: "injected in a required zone", mode: "istio", zone: "internal", inject: true},
		{name: "stripped in a required zone", mode: "istio", zone: "internal", want: []string{"mesh-sidecar"}},
		{name: "no sidecar outside the required zones", mode: "istio", zone: "public"},
		{name: "opt-out in a required zone", mode: "istio", zone: "restricted", annotations: `, annotations: {pave.dev/inject: "false"}`, want: []string{"mesh-sidecar"}},
		{name: "opt-out outside", mode: "istio", zone: "public", annotations: `, annotations: {pave.dev/inject: "false"}`},
		// Finding 4: the namespace's zone is the truth, whatever the labels say.
		{name: "labelled public in an internal namespace, opted out", mode: "istio", zone: "internal", labels: "pave.dev/zone: public",
			annotations: `, annotations: {pave.dev/inject: "false"}`, want: []string{"mesh-sidecar"}},
		{name: "labelled with an empty zone, no sidecar", mode: "istio", zone: "internal", labels: `pave.dev/zone: ""`, want: []string{"mesh-sidecar"}},
		// Finding 5: a name and a copied hash are not the sidecar.
		{name: "fake sidecar with a copied hash", mode: "istio", zone: "internal", annotations: copiedHash,
			spec: `initContainers: [{name: istio-proxy, image: busybox:1.36, restartPolicy: Always}], `, want: []string{"mesh-sidecar"}},
		{name: "fake sidecar owned by a ConfigMap", mode: "istio", zone: "internal",
			annotations: `, ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: mine, uid: u}]`,
			spec:        `initContainers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.28.1, restartPolicy: Always}], `, want: []string{"mesh-sidecar"}},
		{name: "a container named like the sidecar", mode: "istio", zone: "internal", spec: `initContainers: [], `,
			want: []string{"mesh-sidecar"}},
		{name: "windows cannot be meshed", mode: "istio", zone: "internal", spec: `os: {name: windows}, `, inject: true, want: []string{"mesh-sidecar"}},
		{name: "hostNetwork is exempt", mode: "istio", zone: "internal", spec: "hostNetwork: true, "},
		{name: "delegate without the label", mode: "delegate", zone: "internal", want: []string{"mesh-sidecar"}},
		// Finding 29: istio-cni leaves a pod's traffic beside its proxy with
		// the inject switch off, or with ports, addresses or interfaces left
		// out of the interception.
		{name: "inbound port excluded", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "8080"}`, want: []string{"mesh-sidecar"}},
		{name: "outbound ranges narrowed", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/includeOutboundIPRanges: "10.0.0.0/8"}`, want: []string{"mesh-sidecar"}},
		{name: "interface excluded", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeInterfaces: "eth1"}`, want: []string{"mesh-sidecar"}},
		{name: "interception widened or left at its default", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/includeInboundPorts: "*", traffic.sidecar.istio.io/includeOutboundPorts: "443", traffic.sidecar.istio.io/excludeOutboundPorts: " "}`},
		{name: "inbound port excluded outside the required zones", mode: "istio", zone: "public", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "8080"}`},
		{name: "inject switched off by annotation", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {sidecar.istio.io/inject: "False"}`, want: []string{"mesh-sidecar"}},
		{name: "inject switched off by label", mode: "istio", zone: "internal", inject: true, labels: `sidecar.istio.io/inject: "0"`, want: []string{"mesh-sidecar"}},
		{name: "the label wins over the annotation, as in istio-cni", mode: "istio", zone: "internal", inject: true, labels: `sidecar.istio.io/inject: "true"`,
			annotations: `, annotations: {sidecar.istio.io/inject: "false"}`},
		{name: "the proxy's own ports excluded", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "15020, 15021,15090"}`},
		{name: "outbound port excluded", mode: "istio", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeOutboundPorts: "15020,5432"}`, want: []string{"mesh-sidecar"}},
		{name: "inbound ports listed, every declared one among them", mode: "istio", zone: "internal", inject: true,
			containers: "containers: [{name: c, image: 'x:1', ports: [{containerPort: 9090}]}]", annotations: `, annotations: {traffic.sidecar.istio.io/includeInboundPorts: "9090"}`},
		{name: "inbound ports listed, a declared one missing", mode: "istio", zone: "internal", inject: true,
			containers: "containers: [{name: c, image: 'x:1', ports: [{containerPort: 9090}]}]", annotations: `, annotations: {traffic.sidecar.istio.io/includeInboundPorts: "8080"}`, want: []string{"mesh-sidecar"}},
		// Istio's injector writes settings of its own on the Pods it injects.
		{name: "delegate, Istio's settings on a Pod", mode: "delegate", zone: "internal", inject: true,
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeOutboundIPRanges: "169.254.169.254/32"}`},
		{name: "delegate, inbound port excluded", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: `, annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "8080"}`, want: []string{"mesh-sidecar"}},
		// istio-cni redirects a Pod's traffic only when it carries Istio's
		// status, which the mutating webhook writes on Pods, never on
		// templates.
		{name: "a Pod the webhook did not complete", mode: "istio", zone: "internal", inject: true, strip: v1alpha1.AnnotationIstioStatus, want: []string{"mesh-sidecar"}},
		{name: "a Pod the webhook did not complete, outside the required zones", mode: "istio", zone: "public", inject: true, strip: v1alpha1.AnnotationIstioStatus},
		{name: "a pod template carries no Istio status", mode: "istio", zone: "internal", inject: true, kind: "Deployment"},
		// istio-cni lets the proxy's user and group out unredirected.
		{name: "a container runs as the proxy's user", mode: "istio", zone: "internal", inject: true,
			containers: "containers: [{name: c, image: 'x:1', securityContext: {runAsUser: 1337}}]", want: []string{"mesh-sidecar"}},
		{name: "the pod runs as the proxy's group", mode: "istio", zone: "internal", inject: true, kind: "Deployment",
			spec: "securityContext: {runAsGroup: 1337}, ", want: []string{"mesh-sidecar"}},
		{name: "a container's own user over the pod's", mode: "istio", zone: "internal", inject: true,
			spec: "securityContext: {runAsUser: 1337}, ", containers: "containers: [{name: c, image: 'x:1', securityContext: {runAsUser: 1000}}]"},
		{name: "the proxy's group for files only", mode: "istio", zone: "internal", inject: true, spec: "securityContext: {fsGroup: 1337}, "},
		{name: "the proxy's user outside the required zones", mode: "istio", zone: "public", inject: true,
			containers: "containers: [{name: c, image: 'x:1', securityContext: {runAsUser: 1337}}]"},
		{name: "delegate, the proxy's user in a template", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			containers: "containers: [{name: c, image: 'x:1', securityContext: {runAsUser: 1337}}]", want: []string{"mesh-sidecar"}},
		{name: "delegate, Istio's proxy on a Pod", mode: "delegate", zone: "internal", inject: true,
			containers: "containers: [{name: c, image: 'x:1'}, {name: istio-proxy, image: 'x:1', securityContext: {runAsUser: 1337}}]"},
		// Istio's gateway chart: its istio-proxy container is Istio's proxy,
		// image and user 1337 its injector's; the template redirects nothing.
		{name: "delegate, Istio's gateway", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: gateway, containers: gatewayProxy},
		{name: "delegate, a container beside Istio's gateway", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: gateway, containers: "containers: [{name: c, image: 'x:1'}, " + gatewayProxy[len("containers: ["):], want: []string{"mesh-sidecar"}},
		{name: "delegate, a team's image as Istio's proxy runs as its user", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: gateway, containers: "containers: [{name: istio-proxy, image: 'x:1', securityContext: {runAsUser: 1337}}]", want: []string{"mesh-sidecar"}},
		// Istio keeps a customized proxy's image, and runs it as 1337.
		{name: "delegate, a team's image as Istio's proxy", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			containers: "containers: [{name: c, image: 'x:1'}, {name: istio-proxy, image: 'x:1'}]", want: []string{"mesh-sidecar"}},
		{name: "delegate, Istio's proxy customized", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			containers: "containers: [{name: c, image: 'x:1'}, {name: istio-proxy, image: auto, resources: {limits: {memory: 1Gi}}}]"},
		{name: "delegate, the policy's proxy image pinned", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			containers: "containers: [{name: c, image: 'x:1'}, {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1'}]"},
		// Istio takes out what its status lists before it injects afresh.
		{name: "delegate, kube-inject's output of another version", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: `, annotations: {sidecar.istio.io/status: '{"initContainers":["istio-proxy"],"containers":null}'}`,
			spec:        "initContainers: [{name: istio-proxy, image: 'docker.io/istio/proxyv2:1.27.0', restartPolicy: Always, securityContext: {runAsUser: 1337}}], "},
		{name: "delegate, a team's image listed for the wrong list", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: `, annotations: {sidecar.istio.io/status: '{"initContainers":["istio-proxy"],"containers":null}'}`,
			containers:  "containers: [{name: c, image: 'x:1'}, {name: istio-proxy, image: 'x:1'}]", want: []string{"mesh-sidecar"}},
		{name: "delegate, a team's image as Istio's proxy outside the required zones", mode: "delegate", zone: "public", inject: true, kind: "Deployment",
			containers: "containers: [{name: c, image: 'x:1'}, {name: istio-proxy, image: 'x:1'}]"},
		{name: "delegate, another image for Istio's proxy by annotation", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: `, annotations: {sidecar.istio.io/proxyImage: "x:1"}`, want: []string{"mesh-sidecar"}},
		{name: "delegate, another image for Istio's proxy by annotation on a Pod", mode: "delegate", zone: "internal", inject: true,
			annotations: `, annotations: {sidecar.istio.io/proxyImage: "x:1"}`, want: []string{"mesh-sidecar"}},
		{name: "delegate, the policy's image for Istio's proxy by annotation", mode: "delegate", zone: "internal", inject: true, kind: "Deployment",
			annotations: `, annotations: {sidecar.istio.io/proxyImage: "docker.io/istio/proxyv2:1.28.1"}`},
		{name: "istio, Istio's gateway where pave's sidecar is required", mode: "istio", zone: "internal", inject: true, kind: "Deployment",
			labels: `sidecar.istio.io/inject: "true"`, annotations: gateway, containers: gatewayProxy, want: []string{"mesh-sidecar"}},
		{name: "istio, Istio's gateway outside the required zones", mode: "istio", zone: "public", inject: true, kind: "Deployment",
			labels: `sidecar.istio.io/inject: "true"`, annotations: gateway, containers: gatewayProxy},
		{name: "mesh off", mode: "off", zone: "internal"},
		{name: "cilium has no sidecar to check", mode: "cilium", zone: "internal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			containers := "containers: [{name: c, image: 'x:1'}]"
			if c.name == "a container named like the sidecar" {
				containers = "containers: [{name: istio-proxy, image: 'x:1'}]"
			}
			if c.containers != "" {
				containers = c.containers
			}
			doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {" + c.labels + "}" + c.annotations + "}\nspec: {" + c.spec + containers + "}"
			if c.kind == "Deployment" {
				doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d, " +
					c.labels + "}" + c.annotations + "}\n    spec: {" + c.spec + containers + "}"
			}
			w := workloadtest.FromYAML(t, doc)
			env := workloadtest.MeshEnv(t, v1alpha1.MeshMode(c.mode))
			env.Namespace.Labels = map[string]string{"pave.dev/zone": c.zone}
			if c.inject {
				if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
					t.Fatal(err)
				}
			}
			if c.strip != "" {
				if _, ok := w.PodMeta.Annotations[c.strip]; !ok {
					t.Fatalf("injection wrote no %s to take off", c.strip)
				}
				delete(w.PodMeta.Annotations, c.strip)
			}
			assertRules(t, validators.Mesh{}.Validate(context.Background(), w, env), c.want...)
		})
	}
}

// istioctl kube-inject's output names the proxy as pave's does; the fix says
// to apply the manifest from before kube-inject, not to rename the proxy.
func TestMeshNamesKubeInjectOutput(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	env.Namespace.Labels = map[string]string{"pave.dev/zone": "internal"}
	for _, tc := range []struct{ name, annotations, want string }{
		{"a container of the proxy's name", "{}", `rename your container "istio-proxy"`},
		{"kube-inject's output", `{sidecar.istio.io/status: '{"containers":["istio-proxy"]}'}`, "as it was before istioctl kube-inject"},
		{"Istio's gateway", `{inject.istio.io/templates: gateway}`, "deploy the gateway to a namespace in a zone outside [internal restricted]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata: {annotations: `+tc.annotations+`}
    spec: {containers: [{name: app, image: 'x:1'}, {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1'}]}`)
			got := validators.Mesh{}.Validate(context.Background(), w, env)
			assertRules(t, got, "mesh-sidecar")
			if !strings.Contains(got[0].Fix, tc.want) {
				t.Errorf("fix %q, want %q in it", got[0].Fix, tc.want)
			}
		})
	}
}

// istiod deploys a Gateway API Gateway as a Deployment of Istio's proxy,
// switched off for injection. The team wrote the Gateway, not the
// Deployment: the fix says where the Gateway may go, not to edit a label.
func TestMeshNamesIstiosGatewayDeployment(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshDelegate)
	env.Namespace.Labels = map[string]string{"pave.dev/zone": "internal"}
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-gw-istio
  ownerReferences: [{apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, name: web-gw, uid: u}]
spec:
  template:
    metadata: {labels: {sidecar.istio.io/inject: "false", gateway.networking.k8s.io/gateway-name: web-gw}}
    spec: {containers: [{name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1'}]}`)
	got := validators.Mesh{}.Validate(context.Background(), w, env)
	assertRules(t, got, "mesh-sidecar")
	if want := `Istio's deployment of Gateway "web-gw": create the Gateway in a namespace of a zone outside [internal restricted]`; !strings.Contains(got[0].Fix, want) {
		t.Errorf("fix %q, want %q in it", got[0].Fix, want)
	}
}

// kubectl set image '*=...' sets the proxy's image with the application's:
// the one change to pave's proxy the mutator does not put back (a look-alike
// of another image is the team's). The fix says how it came about.
func TestMeshFixNamesASetImageOfEveryContainer(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	env.Namespace.Labels = map[string]string{"pave.dev/zone": "internal"}
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	w.PodSpec.InitContainers[0].Image = "x:2"
	w.PodSpec.Containers[0].Image = "x:2"
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	vs := validators.Mesh{}.Validate(context.Background(), w, env)
	if len(vs) != 1 || !strings.Contains(vs[0].Message, `runs image "x:2"`) || !strings.Contains(vs[0].Fix, "(kubectl set image)") {
		t.Fatalf("want the image named and kubectl set image in the fix: %+v", vs)
	}
}

// A pod without the proxy has nothing of its own to remove: a Pod from
// before the mesh is made again, a template applied again, while pave's
// mutating webhook answers.
func TestMeshFixForAPodWithoutTheProxy(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	env.Namespace.Labels = map[string]string{"pave.dev/zone": "internal"}
	for _, c := range []struct{ doc, want string }{
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: web-1}\nspec: {containers: [{name: web, image: 'x:1'}]}", "kubectl rollout restart"},
		{workloadtest.Deployment("x:1"), "apply it again while pave's mutating webhook answers"},
	} {
		vs := validators.Mesh{}.Validate(context.Background(), workloadtest.FromYAML(t, c.doc), env)
		if len(vs) != 1 || !strings.Contains(vs[0].Message, "has no istio-proxy sidecar") || !strings.Contains(vs[0].Fix, c.want) || strings.Contains(vs[0].Fix, "remove your own") {
			t.Errorf("want %q in the fix: %+v", c.want, vs)
		}
	}
}
