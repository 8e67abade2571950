package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A canary by annotation: the stable's VirtualService splits 95/5; changing
// the weight changes the split and nothing else; steps advance on their own;
// removing the canary routes everything back to the stable.
func TestCanaryByAnnotation(t *testing.T) {
	namespace(t, "canary", map[string]string{"pave.dev/team": "canary"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", "canary", "-o", "jsonpath={.spec.template.metadata.labels.pave\\.dev/track}", "-f", "testdata/canary.yaml")
		if err != nil || out != "canary" {
			return fmt.Errorf("mesh policy not in force: %q %v", out, err)
		}
		return nil
	})
	for _, f := range []string{"testdata/service.yaml", "testdata/canary.yaml"} {
		if _, err := s.kubectl("apply", "-n", "canary", "-f", f); err != nil {
			t.Fatal(err)
		}
	}
	weights := func() string {
		vs := getJSON(t, "-n", "canary", "virtualservice", "pave-orders")
		var w []string
		for i := 0; i < 2; i++ {
			if d := at(vs, "spec", "http", 0, "route", i); d != nil {
				w = append(w, fmt.Sprintf("%v=%v", at(d, "destination", "subset"), at(d, "weight")))
			}
		}
		return strings.Join(w, " ")
	}
	waitWeights := func(want string) {
		t.Helper()
		eventually(t, 30*time.Second, func() error {
			if _, err := s.kubectl("get", "-n", "canary", "virtualservice", "pave-orders"); err != nil {
				return err
			}
			if got := weights(); got != want {
				return fmt.Errorf("routes %q, want %q", got, want)
			}
			return nil
		})
	}
	waitWeights("stable=95 canary=5")
	dr := getJSON(t, "-n", "canary", "destinationrule", "pave-orders")
	if n := len(at(dr, "spec", "subsets").([]any)); n != 2 {
		t.Fatalf("%d subsets, want stable and canary", n)
	}
	drVersion := at(dr, "metadata", "resourceVersion")

	if _, err := s.kubectl("annotate", "--overwrite", "-n", "canary", "deployment", "orders-canary", "pave.dev/canary-weight=30"); err != nil {
		t.Fatal(err)
	}
	waitWeights("stable=70 canary=30")
	if v := at(getJSON(t, "-n", "canary", "destinationrule", "pave-orders"), "metadata", "resourceVersion"); v != drVersion {
		t.Errorf("the DestinationRule was rewritten by a weight change (%v -> %v)", drVersion, v)
	}
	eventually(t, 30*time.Second, func() error {
		status := at(getJSON(t, "-n", "canary", "deployment", "orders-canary"), "metadata", "annotations", "pave.dev/canary-status")
		if !strings.Contains(fmt.Sprint(status), "70% stable orders, 30% canary") {
			return fmt.Errorf("status annotation: %v", status)
		}
		return nil
	})

	if _, err := s.kubectl("annotate", "--overwrite", "-n", "canary", "deployment", "orders-canary", "pave.dev/canary-steps=40,100", "pave.dev/canary-interval=2s"); err != nil {
		t.Fatal(err)
	}
	waitWeights("canary=100") // 40 first, then 100 two seconds later
	out, _ := s.kubectl("get", "events", "-n", "canary", "--field-selector", "reason=CanaryProgress", "-o", "custom-columns=M:.message", "--no-headers")
	mustContain(t, out, "step 1 of 2: 60% stable orders, 40% canary", "step 2 of 2: 0% stable orders, 100% canary")

	if _, err := s.kubectl("delete", "-n", "canary", "deployment", "orders-canary"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if got := weights(); got != "<nil>=<nil>" {
			return fmt.Errorf("routes %q after the canary left", got)
		}
		if at(getJSON(t, "-n", "canary", "destinationrule", "pave-orders"), "spec", "subsets") != nil {
			return fmt.Errorf("subsets remain")
		}
		return nil
	})
}
