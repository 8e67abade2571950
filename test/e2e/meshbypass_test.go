package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Finding 29: istio-cni leaves a pod's traffic beside its proxy when the pod
// switches interception off or narrows it by annotation; a team member cannot
// do that in a zone that must be meshed.
func TestTeamMemberCannotSteerTrafficPastTheProxy(t *testing.T) {
	teamNamespace(t, "team-bypass")
	meshOn(t, "team-bypass")
	app := "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"
	withTemplate := func(name, meta string) string {
		return strings.Replace(deployment(name, app), "    metadata: {labels: {app: "+name+"}}", "    metadata: {labels: {app: "+name+"}"+meta+"}", 1)
	}

	excluded := withTemplate("excluded", `, annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "80"}`)
	_, err := asDev(excluded, "apply", "-n", "team-bypass", "-f", "-")
	denied(t, "an inbound port left out of the proxy", err,
		"[mesh-sidecar] spec.template.metadata.annotations[traffic.sidecar.istio.io/excludeInboundPorts]", "leaves traffic out of the mesh proxy")
	absent(t, "team-bypass", "deployment", "excluded")

	off := withTemplate("inject-off", `, annotations: {sidecar.istio.io/inject: "false"}`)
	_, err = asDev(off, "apply", "-n", "team-bypass", "-f", "-")
	denied(t, "interception switched off", err, "[mesh-sidecar] spec.template.metadata.annotations[sidecar.istio.io/inject]", "istio-cni")
	absent(t, "team-bypass", "deployment", "inject-off")

	// istio-cni lets the proxy's user out unredirected: an app that runs as
	// that user reaches the network beside the proxy.
	proxyUser := deployment("proxy-user", "      containers: [{name: app, image: 'nginx:1.27.3', securityContext: {runAsUser: 1337}}]\n")
	_, err = asDev(proxyUser, "apply", "-n", "team-bypass", "-f", "-")
	denied(t, "an app running as the proxy's user", err,
		"[mesh-sidecar] spec.template.spec.containers[0].securityContext.runAsUser", "runs with runAsUser 1337, the mesh proxy's")
	absent(t, "team-bypass", "deployment", "proxy-user")

	// The same Deployment without the annotation is admitted, with the proxy.
	if _, err := asDev(deployment("meshed", app), "apply", "-n", "team-bypass", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	if out, err := s.kubectl("get", "-n", "team-bypass", "deployment", "meshed", "-o", "jsonpath={.spec.template.spec.initContainers[0].name}"); err != nil || out != "istio-proxy" {
		t.Fatalf("no sidecar: %q %v", out, err)
	}
}

// With the mesh delegated to Istio's injector, a container named
// istio-proxy customizes Istio's proxy, and Istio keeps its image: a team's
// own image there would run as the proxy's user, whose traffic istio-cni
// lets out. Istio's placeholder "auto" is the way to customize it.
func TestTeamMemberCannotReplaceIstiosProxy(t *testing.T) {
	teamNamespace(t, "team-proxy-image")
	usePolicy(t, "{mesh: {mode: delegate}}")
	customized := func(name, image string) string {
		return deployment(name, "      containers: [{name: app, image: 'nginx:1.27.3'}, {name: istio-proxy, image: '"+image+"', resources: {limits: {memory: 1Gi}}}]\n")
	}
	eventually(t, 30*time.Second, func() error {
		_, err := asDev(customized("own", "registry.example.com/team/proxy:1.0"), "apply", "--dry-run=server", "-n", "team-proxy-image", "-f", "-")
		if err == nil || !strings.Contains(err.Error(), "takes the place of Istio's proxy") {
			return fmt.Errorf("delegate mode not in force yet: %v", err)
		}
		return nil
	})
	_, err := asDev(customized("own", "registry.example.com/team/proxy:1.0"), "apply", "-n", "team-proxy-image", "-f", "-")
	denied(t, "a team's image as Istio's proxy", err, "[mesh-sidecar] spec.template.spec.containers[1].image", `set its image to "auto"`)
	absent(t, "team-proxy-image", "deployment", "own")
	byAnnotation := strings.Replace(deployment("annotated", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"),
		"    metadata: {labels: {app: annotated}}", "    metadata: {labels: {app: annotated}, annotations: {sidecar.istio.io/proxyImage: 'registry.example.com/team/proxy:1.0'}}", 1)
	_, err = asDev(byAnnotation, "apply", "-n", "team-proxy-image", "-f", "-")
	denied(t, "a team's image for Istio's proxy by annotation", err, "[mesh-sidecar] spec.template.metadata.annotations[sidecar.istio.io/proxyImage]", "remove the annotation")
	absent(t, "team-proxy-image", "deployment", "annotated")
	if _, err := asDev(customized("tuned", "auto"), "apply", "-n", "team-proxy-image", "-f", "-"); err != nil {
		t.Fatalf("Istio's proxy customized as Istio documents it: %v", err)
	}
}
