package e2e

import (
	"strings"
	"testing"
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
