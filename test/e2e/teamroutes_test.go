package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A team that routes its service with its own VirtualService or
// DestinationRule gets it applied: Istio gives the sidecars one
// VirtualService per host, and keeps one DestinationRule's traffic policy,
// so pave's step aside (and say so on the Deployment) while the team's are
// there, and come back when they go.
func TestPaveStepsAsideForTheTeamsIstioRules(t *testing.T) {
	namespace(t, "routes", map[string]string{"pave.dev/team": "routes"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	present := func(objs ...string) func() error {
		return func() error {
			for _, obj := range objs {
				if _, err := s.kubectl("get", "-n", "routes", obj); err != nil {
					return err
				}
			}
			return nil
		}
	}
	absent := func(obj string) func() error {
		return func() error {
			if out, _ := s.kubectl("get", "-n", "routes", obj, "--ignore-not-found", "-o", "name"); out != "" {
				return fmt.Errorf("still there: %s", out)
			}
			return nil
		}
	}
	if _, err := s.kubectl("apply", "-n", "routes", "-f", "testdata/service.yaml"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, present("virtualservice/pave-orders", "destinationrule/pave-orders"))

	// The team's VirtualService, by the service's short name, in an older
	// version of Istio's API.
	team := `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: orders}
spec:
  hosts: [orders]
  http:
  - fault: {delay: {percentage: {value: 10}, fixedDelay: 2s}}
    route: [{destination: {host: orders}}]
`
	if _, err := s.kubectlIn(team, "apply", "-n", "routes", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, absent("virtualservice/pave-orders"))
	if got := at(getJSON(t, "-n", "routes", "destinationrule", "pave-orders"), "spec", "trafficPolicy", "tls", "mode"); got != "ISTIO_MUTUAL" {
		t.Errorf("pave's DestinationRule lost its traffic policy to a VirtualService: tls %v", got)
	}
	eventually(t, 30*time.Second, func() error {
		out, _ := s.kubectl("get", "events", "-n", "routes", "--field-selector", "reason=TeamVirtualService,involvedObject.name=orders", "-o", "jsonpath={.items[*].message}")
		if !strings.Contains(out, "VirtualService orders routes orders.routes.svc.cluster.local") {
			return fmt.Errorf("no event on the Deployment: %q", out)
		}
		return nil
	})

	// The team's DestinationRule with a traffic policy of its own.
	rule := `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: orders}
spec:
  host: orders.routes.svc.cluster.local
  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
`
	if _, err := s.kubectlIn(rule, "apply", "-n", "routes", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, absent("destinationrule/pave-orders"))

	// A gateway's VirtualService of the same host merges with pave's: it
	// changes nothing.
	if _, err := s.kubectl("patch", "-n", "routes", "virtualservice", "orders", "--type=merge", "-p", `{"spec":{"gateways":["routes/public"]}}`); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, present("virtualservice/pave-orders"))

	if _, err := s.kubectl("delete", "-n", "routes", "virtualservice/orders", "destinationrule/orders"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, present("virtualservice/pave-orders", "destinationrule/pave-orders"))
}
