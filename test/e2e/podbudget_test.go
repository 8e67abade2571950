package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// A team that budgets cpu and memory at pod level (spec.resources,
// Kubernetes' pod-level resources) in a meshed, tiered namespace gets pods:
// pave gives its containers no defaults of what the pod budgets, and fits
// the proxy into the budget (a request of 0, a limit no higher than the
// pod's). Before, the API server refused such a Deployment outright for the
// defaults and proxy pave had added ("must be greater than or equal to
// aggregate container requests"). A budget too small for what the tier's
// LimitRange still gives each container at the pod's creation is denied at
// the Deployment, not left to fail at every pod.
func TestAPodLevelBudgetIsShared(t *testing.T) {
	teamNamespace(t, "team-budget")
	meshOn(t, "team-budget")
	eventually(t, 30*time.Second, func() error { // the tier's LimitRange, which defaults every pod
		_, err := s.kubectl("get", "-n", "team-budget", "limitrange", "pave-tier")
		return err
	})
	deployment := func(name, budget string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ` + name + `}
spec:
  replicas: 1
  selector: {matchLabels: {app: ` + name + `}}
  template:
    metadata: {labels: {app: ` + name + `}}
    spec:
` + budget + `      containers: [{name: app, image: "nginx:1.27.3"}]
`
	}
	// Holds the app's LimitRange defaults (100m, 128Mi, a 256Mi limit), not
	// pave's proxy besides (another 100m and 128Mi, a 1Gi limit).
	budget := "      resources: {requests: {cpu: 150m, memory: 200Mi}, limits: {memory: 512Mi}}\n"
	if _, err := asDev(deployment("shared", budget), "apply", "-n", "team-budget", "-f", "-"); err != nil {
		t.Fatalf("a Deployment with a pod-level budget: %v", err)
	}
	proxy := "{.items[0].spec.initContainers[0].name} {.items[0].spec.initContainers[0].resources.requests.cpu} {.items[0].spec.initContainers[0].resources.limits.memory}"
	eventually(t, 30*time.Second, jsonpathIs([]string{"pods", "-n", "team-budget", "-l", "app=shared"}, proxy, "istio-proxy 0 512Mi"))

	// Day 2: a meshed Deployment from before, given a budget.
	if _, err := asDev(deployment("later", ""), "apply", "-n", "team-budget", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	if _, err := asDev("", "patch", "-n", "team-budget", "deployment/later", "--type=merge",
		"-p", `{"spec":{"template":{"spec":{"resources":{"requests":{"cpu":"300m","memory":"400Mi"},"limits":{"memory":"512Mi"}}}}}}`); err != nil {
		t.Fatalf("giving a meshed Deployment a pod-level budget: %v", err)
	}
	// Its new pod (the old one stays: no kubelet here makes a pod ready).
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "pods", "-n", "team-budget", "-l", "app=later", "-o", "jsonpath={.items[*].spec.initContainers[0].resources.limits.memory}")
		if err != nil || !slices.Contains(strings.Fields(out), "512Mi") {
			return fmt.Errorf("the proxies' memory limits: %q %v, want one of 512Mi", out, err)
		}
		return nil
	})

	// Too small for the tier's defaults: the proxy's 0 and the app's 100m of
	// cpu, 128Mi of memory and its 256Mi limit, above the pod's 128Mi.
	_, err := asDev(deployment("small", "      resources: {requests: {cpu: 50m}, limits: {memory: 128Mi}}\n"), "apply", "-n", "team-budget", "-f", "-")
	denied(t, "a budget the tier's LimitRange overflows", err, "[pod-budget] spec.template.spec.resources.requests.cpu", "100m",
		"[pod-budget] spec.template.spec.containers[0].resources.limits.memory", "256Mi")
	absent(t, "team-budget", "deployment", "small")
	if ev, _ := s.kubectl("get", "events", "-n", "team-budget", "--field-selector", "reason=FailedCreate", "-o", "name"); strings.TrimSpace(ev) != "" {
		out, _ := s.kubectl("get", "events", "-n", "team-budget", "--field-selector", "reason=FailedCreate")
		t.Errorf("pods were refused:\n%s", out)
	}
}
