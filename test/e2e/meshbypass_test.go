package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Finding 29: istio-cni sends a pod's traffic through its proxy only when
// the pod carries Istio's status annotation and does not switch interception
// off or narrow it. pave writes Istio's marks with its proxy, a team member
// cannot strip them, and one cannot steer traffic around the proxy in a zone
// that must be meshed.
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

	if _, err := asDev(deployment("marked", app), "apply", "-n", "team-bypass", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	marks := func(kind, name string) error {
		status, err := s.kubectl("get", "-n", "team-bypass", kind, name, "-o", `jsonpath={.spec.template.metadata.annotations.sidecar\.istio\.io/status}`)
		if err != nil {
			return err
		}
		tls, err := s.kubectl("get", "-n", "team-bypass", kind, name, "-o", `jsonpath={.spec.template.metadata.labels.security\.istio\.io/tlsMode}`)
		if err != nil {
			return err
		}
		if !strings.Contains(status, `"initContainers":["istio-proxy"]`) || tls != "istio" {
			return fmt.Errorf("%s %s: Istio's status %q, tlsMode %q", kind, name, status, tls)
		}
		return nil
	}
	if err := marks("deployment", "marked"); err != nil {
		t.Fatal(err)
	}
	// The ReplicaSet's Pods carry them too: what istio-cni reads.
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "team-bypass", "pods", "-l", "app=marked", "-o", `jsonpath={range .items[*]}{.metadata.annotations.sidecar\.istio\.io/status}{"\n"}{end}`)
		if err != nil {
			return err
		}
		if !strings.Contains(out, "istio-proxy") {
			return errors.New("no pod with Istio's status yet: " + events("team-bypass"))
		}
		return nil
	})

	// Stripping the status is undone by the mutating webhook.
	strip := `[{"op": "remove", "path": "/spec/template/metadata/annotations/sidecar.istio.io~1status"}]`
	if _, err := asDev("", "patch", "-n", "team-bypass", "deployment", "marked", "--type=json", "-p", strip); err != nil {
		t.Fatal(err)
	}
	if err := marks("deployment", "marked"); err != nil {
		t.Fatalf("after the strip: %v", err)
	}
}
