package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A tcpSocket lifecycle hook is taken by the API server and fails in the
// kubelet every time: a warning at the hook's field, saying what follows for
// each hook. The hooks the kubelet runs are none.
func TestLifecycleHookTheKubeletCannotRun(t *testing.T) {
	for _, c := range []struct{ container, field, want string }{
		{"{name: web, image: x:1, lifecycle: {postStart: {tcpSocket: {port: 8080}}}}",
			"spec.template.spec.containers[0].lifecycle.postStart.tcpSocket", "kills the container as it starts"},
		{"{name: web, image: x:1, ports: [{name: http, containerPort: 8080}], lifecycle: {preStop: {tcpSocket: {port: http}}}}",
			"spec.template.spec.containers[0].lifecycle.preStop.tcpSocket", "stopped at once"},
		{"{name: web, image: x:1, lifecycle: {postStart: {exec: {command: ['true']}}, preStop: {sleep: {seconds: 5}}}}", "", ""},
		{"{name: web, image: x:1, lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}, readinessProbe: {tcpSocket: {port: 8080}}}", "", ""},
	} {
		w := workloadtest.FromYAML(t, strings.Replace(workloadtest.Deployment("x:1"), `[{name: web, image: "x:1"}]`, "["+c.container+"]", 1))
		got := validators.LifecycleHook{}.Validate(context.Background(), w, workloadtest.Env())
		switch {
		case c.field == "" && len(got) > 0:
			t.Errorf("%s: %+v, want none", c.container, got)
		case c.field != "" && (len(got) != 1 || got[0].Field != c.field || got[0].Rule != "lifecycle-hook" || !strings.Contains(got[0].Message, c.want) || !strings.Contains(got[0].Fix, "exec")):
			t.Errorf("%s: %+v, want one lifecycle-hook finding at %s saying %q", c.container, got, c.field, c.want)
		}
	}
}

// A native sidecar's hooks are run as a container's, and judged at its own
// field; both hooks of one container are each found.
func TestLifecycleHookJudgesNativeSidecars(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: proxy, image: "x:1", restartPolicy: Always, lifecycle: {postStart: {tcpSocket: {port: 15000}}, preStop: {tcpSocket: {port: 15000}}}}]
  containers: [{name: web, image: "x:1"}]`)
	got := validators.LifecycleHook{}.Validate(context.Background(), w, workloadtest.Env())
	if len(got) != 2 || got[0].Field != "spec.initContainers[0].lifecycle.postStart.tcpSocket" || got[1].Field != "spec.initContainers[0].lifecycle.preStop.tcpSocket" {
		t.Fatalf("%+v, want the sidecar's two hooks", got)
	}
}
