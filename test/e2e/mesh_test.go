package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// With the mesh on, a plain Deployment is stored with the proxy as a native
// sidecar, its Pods keep it, a re-apply changes nothing, and opting out in a
// zone that must be meshed is denied.
func TestMeshSidecarThroughTheAPIServer(t *testing.T) {
	namespace(t, "mesh", map[string]string{"pave.dev/team": "mesh"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", "mesh", "-o", "jsonpath={.spec.template.spec.initContainers[0].name}", "-f", "testdata/plain.yaml")
		if err != nil || out != "istio-proxy" {
			return fmt.Errorf("mesh policy not in force yet: %q %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectl("apply", "-n", "mesh", "-f", "testdata/plain.yaml"); err != nil {
		t.Fatal(err)
	}
	d := getJSON(t, "-n", "mesh", "deployment", "web")
	if at(d, "spec", "template", "spec", "initContainers", 0, "restartPolicy") != "Always" {
		t.Fatalf("the sidecar is not a native sidecar: %v", at(d, "spec", "template", "spec", "initContainers", 0))
	}
	if at(d, "spec", "template", "metadata", "annotations", "pave.dev/sidecar-status") == nil {
		t.Error("no sidecar status annotation")
	}
	eventually(t, 60*time.Second, func() error {
		pods := getJSON(t, "-n", "mesh", "pods", "-l", "app=web")
		items, _ := pods["items"].([]any)
		if len(items) == 0 {
			return errors.New("no pods yet: " + events("mesh"))
		}
		for _, p := range items {
			if at(p, "spec", "initContainers", 0, "name") != "istio-proxy" {
				return fmt.Errorf("pod %v has no sidecar", at(p, "metadata", "name"))
			}
		}
		return nil
	})
	out, err := s.kubectl("apply", "-n", "mesh", "-f", "testdata/plain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "deployment.apps/web unchanged")

	optOut := strings.Replace(readFile(t, "testdata/plain.yaml"), "  name: web\n", "  name: web-optout\n  annotations: {pave.dev/inject: \"false\"}\n", 1)
	_, err = s.kubectlIn(optOut, "apply", "-n", "mesh", "-f", "-")
	if err == nil {
		t.Fatal("opting out of the mesh in a required zone was admitted")
	}
	mustContain(t, err.Error(), "[mesh-sidecar] metadata.annotations[pave.dev/inject]", `zone "internal" must be meshed`)
}
