package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// A ReplicaSet the Deployment controller makes is its Deployment's template
// and must stay so: the controller finds a Deployment's current ReplicaSet by
// comparing templates, and makes a new one (and another, and another) when
// they differ. So a policy that changed after the Deployment was admitted
// (here: a new proxy) changes no ReplicaSet when the Deployment scales
// (kubectl scale, or an autoscaler); it reaches each new Pod.
func TestAPolicyChangeLeavesTheReplicaSetsAlone(t *testing.T) {
	teamNamespace(t, "team-rollout")
	meshOn(t, "team-rollout")
	doc := deployment("steady", `      containers:
      - name: app
        image: nginx:1.27.3
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
`)
	if _, err := asDev(doc, "apply", "-n", "team-rollout", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	rs := []string{"-n", "team-rollout", "rs", "-l", "app=steady"}
	eventually(t, 60*time.Second, jsonpathIs(rs, "{.items[*].spec.replicas}", "1"))
	admitted, err := s.kubectl(append([]string{"get"}, append(rs, "-o", "jsonpath={.items[0].spec.template.spec.initContainers[0].image}")...)...)
	if err != nil || !strings.Contains(admitted, "proxyv2") {
		t.Fatalf("the ReplicaSet's proxy: %q %v", admitted, err)
	}

	newProxy(t, "team-rollout")

	if _, err := asDev("", "scale", "-n", "team-rollout", "deployment/steady", "--replicas=2"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, jsonpathIs(rs, "{.items[*].spec.replicas}", "2"))
	d := []string{"-n", "team-rollout", "deployment", "steady"}
	eventually(t, 30*time.Second, jsonpathIs(d, "{.status.observedGeneration}/{.status.collisionCount}", "2/"))
	out, err := s.kubectl(append([]string{"get"}, append(rs, "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.template.spec.initContainers[0].image}{\"\\n\"}{end}")...)...)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], " "+admitted) {
		t.Errorf("the Deployment's ReplicaSets after a scale: %q; want the one it had, with the proxy it was admitted with", lines)
	}
	// Each Pod is completed when it is made: the new one runs the new proxy.
	// (Compared as a set: the two Pods can be created within one second,
	// which creationTimestamp cannot order.)
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "team-rollout", "pods", "-l", "app=steady", "-o", "jsonpath={.items[*].spec.initContainers[0].image}")
		images := strings.Fields(out)
		slices.Sort(images)
		want := []string{admitted, "docker.io/istio/proxyv2:1.99.0"}
		slices.Sort(want)
		if err != nil || !slices.Equal(images, want) {
			return fmt.Errorf("the Pods' proxies %q, want %q (%v)", images, want, err)
		}
		return nil
	})
}

// A ReplicaSet another controller makes from a template pave never saw (an
// Argo Rollout's: a kind pave does not govern) is left as it is, judged as
// its Pods will be, and its Pods are completed when they are created. Judged
// as written, it was denied for the hardening and the proxy pave adds. A
// ConfigMap of the team's stands in for the Rollout: the API server checks
// no owner's kind.
func TestAReplicaSetOfAnotherControllerRuns(t *testing.T) {
	teamNamespace(t, "team-argo")
	meshOn(t, "team-argo")
	if _, err := asDev("", "create", "configmap", "-n", "team-argo", "orders"); err != nil {
		t.Fatal(err)
	}
	uid, err := s.kubectl("get", "configmap", "-n", "team-argo", "orders", "-o", "jsonpath={.metadata.uid}")
	if err != nil {
		t.Fatal(err)
	}
	doc := `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: orders-7d9f8c
  labels: {app: orders, rollouts-pod-template-hash: 7d9f8c}
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: orders, uid: ` + uid + `, controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: orders, rollouts-pod-template-hash: 7d9f8c}}
  template:
    metadata: {labels: {app: orders, rollouts-pod-template-hash: 7d9f8c}}
    spec:
      containers:
      - name: orders
        image: nginx:1.27.3
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
`
	if _, err := asDev(doc, "apply", "-n", "team-argo", "-f", "-"); err != nil {
		t.Fatalf("the ReplicaSet was refused: %v", err)
	}
	if out, err := s.kubectl("get", "rs", "-n", "team-argo", "orders-7d9f8c", "-o", "jsonpath={.spec.template.spec.initContainers}"); err != nil || out != "" {
		t.Fatalf("the ReplicaSet's template was changed: init containers %q (%v)", out, err)
	}
	pods := []string{"-n", "team-argo", "pods", "-l", "app=orders"}
	eventually(t, 60*time.Second, jsonpathIs(pods, "{.items[*].spec.initContainers[0].name} {.items[*].spec.securityContext.runAsNonRoot}", "istio-proxy true"))
}
