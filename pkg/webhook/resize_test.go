package webhook_test

import (
	"context"
	"strings"
	"testing"
)

// A Pod resized in place (the pods/resize subresource, which a platform
// grants teams or its vertical autoscaler) is judged like an update: what
// the resize adds denies. It is never mutated.
func TestPodResizeIsJudged(t *testing.T) {
	m, v := handlers(t)
	sized := func(limit, request string) string {
		return strings.Replace(runningPod, "    readinessProbe:", "    resources: {requests: {cpu: 100m, memory: "+request+"}, limits: {memory: "+limit+"}}\n    readinessProbe:", 1)
	}
	old := sized("256Mi", "128Mi")
	resp := v.Handle(context.Background(), update(t, "resize", old, sized(`"0"`, `"0"`)))
	if resp.Allowed {
		t.Fatal("a resize to a memory limit of 0, which the kubelet runs as none, was admitted")
	}
	if want := "[zero-limit] spec.containers[0].resources.limits.memory"; !strings.Contains(resp.Result.Message, want) {
		t.Errorf("denial lacks %q:\n%s", want, resp.Result.Message)
	}
	// The API server refuses a resize that removes a limit: the fix does
	// not ask for one.
	if _, fix, _ := strings.Cut(resp.Result.Message, "Fix: "); strings.Contains(fix, "remove resources.limits.memory") || !strings.Contains(fix, "a resize may change a limit, not remove it") {
		t.Errorf("the fix of a resize: %s", fix)
	}
	if resp := v.Handle(context.Background(), update(t, "resize", old, sized("512Mi", "128Mi"))); !resp.Allowed {
		t.Fatalf("a resize within the policy was denied: %s", resp.Result.Message)
	}
	if resp := m.Handle(context.Background(), update(t, "resize", old, sized(`"0"`, `"0"`))); !resp.Allowed || len(patchOps(t, resp)) != 0 {
		t.Fatalf("the mutating webhook changed a resize: %+v", resp)
	}
}
