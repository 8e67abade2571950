package e2e

import (
	"fmt"
	"testing"
)

// A node drain waits out each pod's grace period: a team member's pod that
// takes a year to stop would hold its node's drain, and the cluster's
// upgrades with it (security.md, finding 84). In the default tier (medium,
// 30 minutes) a Deployment and a Pod of a year are refused, and so is an
// update that raises a running Deployment's grace period past the bound; the
// 1,800 seconds CloudNativePG gives its Postgres pods is admitted.
func TestTeamMemberCannotHoldTheDrains(t *testing.T) {
	const ns = "team-drain"
	teamNamespace(t, ns)
	app := func(grace int) string {
		return fmt.Sprintf("      terminationGracePeriodSeconds: %d\n      containers: [{name: app, image: 'nginx:1.27.3'}]\n", grace)
	}
	_, err := asDev(deployment("stuck", app(31536000)), "apply", "-n", ns, "-f", "-")
	denied(t, "a Deployment whose pods take a year to stop", err,
		"[termination-grace] spec.template.spec.terminationGracePeriodSeconds", `longer to stop than the 1800 seconds (30m0s) tier "medium" allows`, "set terminationGracePeriodSeconds to 1800 or less")
	absent(t, ns, "deployment", "stuck")

	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: stuck}\nspec:\n  terminationGracePeriodSeconds: 31536000\n  containers: [{name: app, image: 'nginx:1.27.3'}]\n"
	_, err = asDev(pod, "apply", "-n", ns, "-f", "-")
	denied(t, "a Pod that takes a year to stop", err, "[termination-grace] spec.terminationGracePeriodSeconds")
	absent(t, ns, "pod", "stuck")

	if _, err := asDev(deployment("pg", app(1800)), "apply", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("a Deployment whose pods take the tier's 30 minutes to stop: %v", err)
	}
	_, err = asDev(deployment("pg", app(7200)), "apply", "-n", ns, "-f", "-")
	denied(t, "raising a running Deployment's grace period past the tier's", err, "[termination-grace] spec.template.spec.terminationGracePeriodSeconds")
	if out, err := s.kubectl("get", "-n", ns, "deployment", "pg", "-o", "jsonpath={.spec.template.spec.terminationGracePeriodSeconds}"); err != nil || out != "1800" {
		t.Fatalf("the Deployment's grace period after the refused update: %q, %v", out, err)
	}
}
