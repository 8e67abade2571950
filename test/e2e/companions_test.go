package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// With the mesh on and the real Istio CRDs installed, a plain Deployment gets
// its PeerAuthentication, DestinationRule and VirtualService, accepted by the
// CRDs' schemas; an annotation change updates them; a deleted one comes back;
// deleting the Deployment removes them (kube-controller-manager's garbage
// collector, through the owner references).
func TestMeshCompanionsReconciled(t *testing.T) {
	namespace(t, "orders", map[string]string{"pave.dev/team": "orders"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })

	// A dry run names what would be created, and creates nothing.
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "orders", "-f", "testdata/service.yaml")
		if err != nil || !strings.Contains(out, "pave would write DestinationRule orders/pave-orders") {
			return fmt.Errorf("dry run does not list the companions yet: %s %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectl("apply", "-n", "orders", "-f", "testdata/service.yaml"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		for _, obj := range []string{"destinationrule/pave-orders", "virtualservice/pave-orders", "peerauthentication/pave-mtls"} {
			if _, err := s.kubectl("get", "-n", "orders", obj); err != nil {
				return err
			}
		}
		return nil
	})
	dr := getJSON(t, "-n", "orders", "destinationrule", "pave-orders")
	if at(dr, "spec", "trafficPolicy", "tls", "mode") != "ISTIO_MUTUAL" || at(dr, "spec", "host") != "orders.orders.svc.cluster.local" {
		t.Errorf("DestinationRule: %v", at(dr, "spec"))
	}
	if at(dr, "metadata", "ownerReferences", 0, "kind") != "Deployment" {
		t.Errorf("DestinationRule not owned by the Deployment: %v", at(dr, "metadata", "ownerReferences"))
	}
	pa := getJSON(t, "-n", "orders", "peerauthentication", "pave-mtls")
	if at(pa, "spec", "mtls", "mode") != "STRICT" {
		t.Errorf("PeerAuthentication: %v", at(pa, "spec"))
	}
	// The same plain Deployment carries the sidecar, and re-applying it
	// changes neither it nor its companions.
	if at(getJSON(t, "-n", "orders", "deployment", "orders"), "spec", "template", "spec", "initContainers", 0, "name") != "istio-proxy" {
		t.Error("no sidecar on the meshed Deployment")
	}
	drVersion := at(dr, "metadata", "resourceVersion")
	out, err := s.kubectl("apply", "-n", "orders", "-f", "testdata/service.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "deployment.apps/orders unchanged")
	// An unchanged apply sends no event; touch the Deployment and wait for
	// the reconcile it causes (the controller's own counter), so a wrong
	// rewrite would have happened by the time we look.
	before := reconciles(t, "companions-Deployment")
	if _, err := s.kubectl("annotate", "-n", "orders", "deployment", "orders", "e2e/touched=1", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if n := reconciles(t, "companions-Deployment"); n <= before {
			return fmt.Errorf("no reconcile since the touch (%v)", n)
		}
		return nil
	})
	if v := at(getJSON(t, "-n", "orders", "destinationrule", "pave-orders"), "metadata", "resourceVersion"); v != drVersion {
		t.Errorf("re-applying rewrote the DestinationRule (%v -> %v)", drVersion, v)
	}
	vsTimeout := func() any {
		return at(getJSON(t, "-n", "orders", "virtualservice", "pave-orders"), "spec", "http", 0, "timeout")
	}
	if got := vsTimeout(); got != "15s" {
		t.Errorf("VirtualService timeout %v, want the policy's 15s", got)
	}

	if _, err := s.kubectl("annotate", "-n", "orders", "deployment", "orders", "pave.dev/timeout=5s"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if got := vsTimeout(); got != "5s" {
			return fmt.Errorf("timeout %v, want 5s", got)
		}
		return nil
	})
	// No retries is attempts 0 and nothing beside it, which istiod's
	// validation requires; the CRD takes the empty policy.
	if _, err := s.kubectl("annotate", "-n", "orders", "deployment", "orders", "pave.dev/retries=0"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		r := at(getJSON(t, "-n", "orders", "virtualservice", "pave-orders"), "spec", "http", 0, "retries")
		if m, ok := r.(map[string]any); !ok || len(m) != 0 {
			return fmt.Errorf("retries %v, want {}", r)
		}
		return nil
	})
	if _, err := s.kubectl("annotate", "-n", "orders", "deployment", "orders", "pave.dev/retries-"); err != nil {
		t.Fatal(err)
	}

	// A policy that sets its durations to none: Istio's CRDs refuse "0s",
	// so pave leaves them out, and the objects are still taken.
	none := policy[:len(policy)-len("  mesh: {mode: istio}\n")] +
		"  mesh: {mode: istio, traffic: {timeout: 0s, outlierDetection: {interval: 0s, baseEjectionTime: 0s}}}\n"
	if _, err := s.kubectlIn(none, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		od := at(getJSON(t, "-n", "orders", "destinationrule", "pave-orders"), "spec", "trafficPolicy", "outlierDetection")
		if m, ok := od.(map[string]any); !ok || m["interval"] != nil || m["baseEjectionTime"] != nil || m["consecutive5xxErrors"] == nil {
			return fmt.Errorf("outlier detection %v, want the policy's errors and neither duration", od)
		}
		return nil
	})
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}

	if _, err := s.kubectl("delete", "-n", "orders", "destinationrule", "pave-orders"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "orders", "destinationrule", "pave-orders")
		return err
	})

	// Turning the mesh off deletes what pave made, without touching the Deployment.
	if _, err := s.kubectl("delete", "platformpolicy", "default"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "orders", "destinationrules,virtualservices", "-o", "name")
		if err != nil || strings.TrimSpace(out) != "" {
			return fmt.Errorf("still there after the mesh was turned off: %q %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "orders", "destinationrule", "pave-orders")
		return err
	})

	if _, err := s.kubectl("delete", "-n", "orders", "deployment", "orders"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "orders", "destinationrules,virtualservices", "-o", "name")
		if err != nil {
			return err
		}
		if strings.TrimSpace(out) != "" {
			return errors.New("still there: " + out)
		}
		return nil
	})
}

// The namespace's own objects follow the policy: the mesh's mTLS
// PeerAuthentication appears in an internal namespace, owned by the Namespace,
// not in a public one, and is pruned when the mesh is turned off.
func TestNamespaceObjectsFollowThePolicy(t *testing.T) {
	namespace(t, "ns-internal", map[string]string{"pave.dev/zone": "internal"})
	namespace(t, "ns-public", map[string]string{"pave.dev/zone": "public"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "ns-internal", "peerauthentication", "pave-mtls")
		return err
	})
	pa := getJSON(t, "-n", "ns-internal", "peerauthentication", "pave-mtls")
	if at(pa, "metadata", "ownerReferences", 0, "kind") != "Namespace" || at(pa, "metadata", "ownerReferences", 0, "controller") != true {
		t.Errorf("not owned by the Namespace: %v", at(pa, "metadata", "ownerReferences"))
	}
	if out, _ := s.kubectl("get", "-n", "ns-public", "peerauthentication", "--ignore-not-found", "-o", "name"); out != "" {
		t.Errorf("STRICT mTLS in a public namespace, where workloads may opt out: %s", out)
	}
	if _, err := s.kubectl("delete", "platformpolicy", "default"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "ns-internal", "peerauthentication", "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("not pruned after the mesh was turned off: %s", out)
		}
		return nil
	})
}

// reconciles is how many reconciles the named controller has finished, from
// pave's /metrics.
func reconciles(t *testing.T, controller string) float64 {
	t.Helper()
	body, err := scrape()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	prefix := `controller_runtime_reconcile_total{controller="` + controller + `",`
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, prefix) {
			var v float64
			if _, err := fmt.Sscan(line[strings.LastIndex(line, " ")+1:], &v); err == nil {
				total += v
			}
		}
	}
	return total
}
