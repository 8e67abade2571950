package e2e

import (
	"strings"
	"testing"
	"time"
)

// A platform that lets its teams resize a running Pod in place (pods/resize,
// as kubectl patch --subresource resize and the vertical autoscaler's
// in-place updates write it) grants no way past the limits: a resize is
// judged like an update. The API server takes a resize to a memory limit of
// 0, which the kubelet runs as none; pave denies it, and a resize within
// the policy passes.
func TestTeamMemberCannotResizeToNoLimit(t *testing.T) {
	teamNamespace(t, "resize")
	grant := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: resize, namespace: resize}
rules: [{apiGroups: [""], resources: [pods/resize], verbs: [get, patch, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-resize, namespace: resize}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: resize}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ` + dev + `}]
`
	if _, err := s.kubectlIn(grant, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	pod := func(ns string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: " + ns + "}\nspec:\n  containers: [{name: app, image: 'nginx:1.27.3', resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}}]\n"
	}
	resize := func(limit, request string) string {
		return `{"spec":{"containers":[{"name":"app","resources":{"requests":{"memory":"` + request + `"},"limits":{"memory":"` + limit + `"}}}]}}`
	}
	// The premise, in a namespace pave does not govern: the API server
	// resizes a Pod to a limit of 0.
	if _, err := s.kubectlIn(pod("kube-public"), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "-n", "kube-public", "pod", "web", "--ignore-not-found", "--wait=false")
	})
	if out, err := s.kubectl("patch", "-n", "kube-public", "pod", "web", "--subresource", "resize", "-p", resize("0", "0"), "-o", "jsonpath={.spec.containers[0].resources.limits.memory}"); err != nil || out != "0" {
		t.Fatalf("without pave the API server should resize to a limit of 0: %v %q", err, out)
	}

	if _, err := asDev(pod("resize"), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	var err error
	eventually(t, 30*time.Second, func() error { // the Role reaches the authorizer a moment later
		_, err = asDev("", "patch", "-n", "resize", "pod", "web", "--subresource", "resize", "--dry-run=server", "-p", resize("0", "0"))
		if err != nil && strings.Contains(err.Error(), "forbidden: User") {
			return err
		}
		return nil
	})
	denied(t, "a resize to a memory limit of 0", err, "[zero-limit] spec.containers[0].resources.limits.memory", "runs as no limit at all")
	out, err := asDev("", "patch", "-n", "resize", "pod", "web", "--subresource", "resize", "-p", resize("512Mi", "128Mi"), "-o", "jsonpath={.spec.containers[0].resources.limits.memory}")
	if err != nil || out != "512Mi" {
		t.Fatalf("a resize within the policy: %v %q", err, out)
	}
}
