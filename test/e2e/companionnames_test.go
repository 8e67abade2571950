package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A workload's name may be 253 characters; the objects pave writes beside it
// are named after it with a prefix and a suffix, and the API server refuses
// a name longer than that. A Deployment with a long name still gets its
// zone's ingress policy and its dashboard, each owned by it.
func TestLongWorkloadNameGetsItsCompanions(t *testing.T) {
	namespace(t, "long-names", map[string]string{"pave.dev/team": "long"})
	usePolicy(t, "{mesh: {mode: istio}}") // the mesh's objects too
	name := strings.Repeat("orders", 40)  // 240 characters
	doc := strings.Replace(readFile(t, "testdata/service.yaml"), "  name: orders\n", "  name: "+name+"\n", 1)
	if _, err := s.kubectlIn(doc, "apply", "-n", "long-names", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"networkpolicy", "configmap"} {
		eventually(t, 30*time.Second, func() error {
			owned := getJSON(t, "-n", "long-names", kind, "-l", "app.kubernetes.io/managed-by=pave")
			items, _ := owned["items"].([]any)
			for _, o := range items {
				if at(o, "metadata", "ownerReferences", 0, "name") == name {
					if n, _ := at(o, "metadata", "name").(string); len(n) > 253 || !strings.HasPrefix(n, "pave-") {
						return fmt.Errorf("%s named %q", kind, n)
					}
					return nil
				}
			}
			return fmt.Errorf("no %s owned by the Deployment yet: %s", kind, events("long-names"))
		})
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "long-names", "destinationrule", "-l", "app.kubernetes.io/managed-by=pave"}, "{.items[*].metadata.name}", "pave-orders")) // after its app label
	if ev := events("long-names"); strings.Contains(ev, "Failed") {
		t.Errorf("pave failed to write a companion: %s", ev)
	}
}

// A Deployment and a StatefulSet may share a name: each gets its own
// ingress policy, on its own ports and owned by it.
func TestWorkloadsOfOneNameGetPoliciesOfTheirOwn(t *testing.T) {
	namespace(t, "same-names", map[string]string{"pave.dev/team": "same"})
	sts := `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: orders}
spec:
  serviceName: orders
  selector: {matchLabels: {app.kubernetes.io/name: orders-db}}
  template:
    metadata: {labels: {app.kubernetes.io/name: orders-db}}
    spec:
      containers:
      - name: db
        image: registry.example.com/shop/orders-db:2.1.0
        ports: [{containerPort: 5432}]
        readinessProbe: {tcpSocket: {port: 5432}}
`
	for _, doc := range []string{readFile(t, "testdata/service.yaml"), sts} {
		if _, err := s.kubectlIn(doc, "apply", "-n", "same-names", "-f", "-"); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{"pave-zone-orders": "Deployment orders 8080", "pave-zone-orders-statefulset": "StatefulSet orders 5432"}
	for policy, owner := range want {
		eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "same-names", "networkpolicy", policy},
			"{.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name} {.spec.ingress[0].ports[0].port}", owner))
	}
}
