package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A probe or hook that names a port its container does not declare fails
// every time in the kubelet, though the API server takes it: a warning at
// the port's field. A declared name, a number, an exec or gRPC probe and a
// tcpSocket hook (which the kubelet fails whatever its port) are none.
func TestProbePortNamesAPortTheContainerDeclares(t *testing.T) {
	const ports = "ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]"
	for _, c := range []struct{ container, field, want string }{
		{"{name: web, image: x:1, " + ports + ", readinessProbe: {httpGet: {path: /, port: web}}}",
			"spec.template.spec.containers[0].readinessProbe.httpGet.port", `declares "http", "metrics"; the kubelet finds ports by name in the container's own list, so the probe always fails: its pods never become ready`},
		{"{name: web, image: x:1, livenessProbe: {tcpSocket: {port: http}}}",
			"spec.template.spec.containers[0].livenessProbe.tcpSocket.port", "declares no named port; the kubelet finds ports by name in the container's own list, so the probe always fails: the kubelet restarts"},
		{"{name: web, image: x:1, " + ports + ", startupProbe: {httpGet: {path: /, port: https}}}",
			"spec.template.spec.containers[0].startupProbe.httpGet.port", "restarted before it ever starts"},
		{"{name: web, image: x:1, " + ports + ", lifecycle: {postStart: {httpGet: {path: /warm, port: admin}}}}",
			"spec.template.spec.containers[0].lifecycle.postStart.httpGet.port", "the postStart hook names port \"admin\""},
		{"{name: web, image: x:1, " + ports + ", lifecycle: {preStop: {httpGet: {path: /drain, port: admin}}}}",
			"spec.template.spec.containers[0].lifecycle.preStop.httpGet.port", "stopped without its hook"},
		{"{name: web, image: x:1, " + ports + ", readinessProbe: {httpGet: {path: /, port: http}}, livenessProbe: {tcpSocket: {port: metrics}}}", "", ""},
		{"{name: web, image: x:1, readinessProbe: {httpGet: {path: /, port: 8080}}, livenessProbe: {grpc: {port: 9000}}, startupProbe: {exec: {command: ['true']}}}", "", ""},
		{"{name: web, image: x:1, lifecycle: {preStop: {tcpSocket: {port: gone}}, postStart: {exec: {command: ['true']}}}}", "", ""},
	} {
		w := workloadtest.FromYAML(t, strings.Replace(workloadtest.Deployment("x:1"), `[{name: web, image: "x:1"}]`, "["+c.container+"]", 1))
		got := validators.ProbePort{}.Validate(context.Background(), w, workloadtest.Env())
		switch {
		case c.field == "" && len(got) > 0:
			t.Errorf("%s: %+v, want none", c.container, got)
		case c.field != "" && (len(got) != 1 || got[0].Field != c.field || got[0].Rule != "probe-port" || !strings.Contains(got[0].Message, c.want)):
			t.Errorf("%s: %+v, want one probe-port finding at %s saying %q", c.container, got, c.field, c.want)
		}
	}
}

// A native sidecar (an init container that keeps running) is probed as
// a container is, and found at its own field.
func TestProbePortJudgesNativeSidecars(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: proxy, image: "x:1", restartPolicy: Always, readinessProbe: {httpGet: {path: /, port: health}}}]
  containers: [{name: web, image: "x:1"}]`)
	got := validators.ProbePort{}.Validate(context.Background(), w, workloadtest.Env())
	if len(got) != 1 || got[0].Field != "spec.initContainers[0].readinessProbe.httpGet.port" {
		t.Fatalf("%+v, want one finding at the sidecar's readiness probe", got)
	}
}
