package e2e

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The CRDs' schema and CEL rules reject bad policy at the API server.
func TestPolicyValidatedByTheAPIServer(t *testing.T) {
	cases := []struct{ doc, want string }{
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: strict}\nspec: {}\n", "pave reads only the PlatformPolicy named 'default'"},
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {rules: [{id: image-pinned, mode: block}]}\n", `Unsupported value: "block"`},
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {zones: {names: [a], defaultZone: b}}\n", "defaultZone must be one of names"},
		{"apiVersion: pave.dev/v1alpha1\nkind: PolicyException\nmetadata: {name: e, namespace: default}\nspec: {rules: [], match: {names: [x]}, reason: short, approvedBy: me, expiresAt: '2030-01-01T00:00:00Z'}\n", "spec.rules"},
	}
	for _, c := range cases {
		_, err := s.kubectlIn(c.doc, "apply", "-f", "-")
		if err == nil {
			t.Errorf("accepted:\n%s", c.doc)
			continue
		}
		mustContain(t, err.Error(), c.want)
	}
}

// A PlatformPolicy change takes effect without a restart, and its removal
// brings the built-in policy back.
func TestPolicyHotSwap(t *testing.T) {
	namespace(t, "hotswap", map[string]string{"pave.dev/team": "hotswap"})
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  rules: [{id: readiness-probe, mode: enforce}]\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	// testdata/plain.yaml has no readiness probe.
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("apply", "--dry-run=server", "-n", "hotswap", "-f", "testdata/plain.yaml")
		if err == nil || !strings.Contains(err.Error(), "[readiness-probe]") {
			return errors.New("the new policy is not in force yet")
		}
		return nil
	})
	if _, err := s.kubectl("delete", "platformpolicy", "default"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", "hotswap", "-f", "testdata/plain.yaml")
		if err != nil {
			return err
		}
		if !strings.Contains(out, "created (server dry run)") {
			return errors.New(out)
		}
		return nil
	})
}

// Warnings reach kubectl: a Deployment without a probe is admitted with a
// warning that names the rule and the fix.
func TestWarningsReachKubectl(t *testing.T) {
	namespace(t, "warned", nil)
	// kubectl prints warnings on stderr.
	out, err := combinedKubectl("apply", "--dry-run=server", "-n", "warned", "-f", "testdata/plain.yaml")
	if err != nil {
		t.Fatal(out, err)
	}
	mustContain(t, out, "Warning: pave [readiness-probe]", "Fix: add readinessProbe", "Warning: pave [required-labels] metadata.labels")
}
