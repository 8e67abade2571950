package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Turning the mesh off takes pave's proxy out: a Pod made afterwards from a
// template of before has none, and the template loses it at the workload's
// next change. Before, the proxy stayed in every template for good, and in
// every Pod made from it, waiting for an istiod that may be gone.
func TestTurningTheMeshOffTakesPavesProxyOut(t *testing.T) {
	teamNamespace(t, "team-meshoff")
	meshOn(t, "team-meshoff")
	deployment := `apiVersion: apps/v1
kind: Deployment
metadata: {name: calm}
spec:
  replicas: 1
  selector: {matchLabels: {app: calm}}
  template:
    metadata: {labels: {app: calm}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`
	if _, err := asDev(deployment, "apply", "-n", "team-meshoff", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	inits := "{.items[*].spec.initContainers[*].name}"
	eventually(t, 30*time.Second, jsonpathIs([]string{"pods", "-n", "team-meshoff", "-l", "app=calm"}, inits, "istio-proxy"))

	off := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: \"off\"}\n"
	if _, err := s.kubectlIn(off, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", "team-meshoff", "-o", "jsonpath={.spec.template.spec.initContainers}", "-f", "testdata/plain.yaml")
		if err != nil || out != "" {
			return fmt.Errorf("mesh still on: %q %v", out, err)
		}
		return nil
	})

	// A new Pod of the ReplicaSet whose template has the proxy.
	if _, err := asDev("", "scale", "-n", "team-meshoff", "deployment/calm", "--replicas=2"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "pods", "-n", "team-meshoff", "-l", "app=calm", "-o", `jsonpath={range .items[*]}{.spec.initContainers[*].name}/{end}`)
		if err != nil || out != "istio-proxy//" && out != "/istio-proxy/" {
			return fmt.Errorf("the pods' init containers: %q %v, want one pod without the proxy", out, err)
		}
		return nil
	})

	// The workload's next change: its template loses the proxy, its volumes and its status.
	if _, err := asDev("", "label", "-n", "team-meshoff", "deployment/calm", "owner=payments"); err != nil {
		t.Fatal(err)
	}
	got, err := s.kubectl("get", "-n", "team-meshoff", "deployment", "calm", "-o",
		`jsonpath={.spec.template.spec.initContainers}|{.spec.template.spec.volumes}|{.spec.template.metadata.annotations}`)
	if err != nil || !strings.HasPrefix(got, "||") {
		t.Fatalf("the template after the mesh was turned off: %q %v", got, err)
	}
	if strings.Contains(got, "sidecar-status") {
		t.Errorf("the template keeps pave's sidecar status: %q", got)
	}
}
