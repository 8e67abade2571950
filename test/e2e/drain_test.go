package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
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

// A budget whose pods all crash-loop, or never become ready, held every
// drain of their nodes under the API's default (IfHealthyBudget): pave gives
// a team's budget that leaves the policy open AlwaysAllow, gives it again
// when a replace of the same manifest drops it, and keeps it through
// server-side applies. A budget that names IfHealthyBudget is refused
// (finding 85).
func TestBudgetsLetDrainsEvictPodsThatAreNotReady(t *testing.T) {
	const ns = "team-unready"
	teamNamespace(t, ns)
	policyOf := func(name string) string {
		out, err := s.kubectl("get", "-n", ns, "pdb", name, "-o", "jsonpath={.spec.unhealthyPodEvictionPolicy}")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	budget := func(name string) string {
		return "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: " + name + "}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n"
	}
	for _, step := range []struct {
		what, name string
		args       []string
	}{
		{"created", "web", []string{"create"}},
		{"replaced", "web", []string{"replace"}},
		{"applied server-side", "applied", []string{"apply", "--server-side"}},
		{"applied server-side again", "applied", []string{"apply", "--server-side"}},
	} {
		if _, err := asDev(budget(step.name), append(step.args, "-n", ns, "-f", "-")...); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		if got := policyOf(step.name); got != "AlwaysAllow" {
			t.Fatalf("a budget %s: unhealthyPodEvictionPolicy %q, want AlwaysAllow", step.what, got)
		}
	}
	held := "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: held}\nspec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: IfHealthyBudget, selector: {matchLabels: {app: held}}}\n"
	_, err := asDev(held, "apply", "-n", ns, "-f", "-")
	denied(t, "a budget that keeps its pods that are not ready", err, "[disruption-budget] spec.unhealthyPodEvictionPolicy", "remove unhealthyPodEvictionPolicy")
	absent(t, ns, "pdb", "held")
}

// A drain waits until each pod it evicted is gone, and a finalizer nothing
// removes keeps a pod Terminating for good (finding 86): a team member's
// Pod, and a Deployment whose pods the ReplicaSet controller would give the
// template's finalizer, are refused; a Pod of the Job controller's own
// finalizer is admitted.
func TestTeamMemberCannotKeepAPodFromGoing(t *testing.T) {
	const ns = "team-finalizer"
	teamNamespace(t, ns)
	pod := func(name, finalizer string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", finalizers: [" + finalizer + "]}\nspec:\n  containers: [{name: app, image: 'nginx:1.27.3'}]\n"
	}
	_, err := asDev(pod("held", "example.com/hold"), "apply", "-n", ns, "-f", "-")
	denied(t, "a Pod of a finalizer nothing removes", err, "[pod-finalizers] metadata.finalizers", "remove example.com/hold from metadata.finalizers")
	absent(t, ns, "pod", "held")

	held := strings.Replace(deployment("held", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"), "    metadata: {labels: {app: held}}", "    metadata: {labels: {app: held}, finalizers: [example.com/hold]}", 1)
	_, err = asDev(held, "apply", "-n", ns, "-f", "-")
	denied(t, "a Deployment whose pods would carry a finalizer nothing removes", err, "[pod-finalizers] spec.template.metadata.finalizers")
	absent(t, ns, "deployment", "held")

	// Judged and not stored: a Pod that no Job owns keeps that finalizer.
	if _, err := asDev(pod("tracked", "batch.kubernetes.io/job-tracking"), "apply", "--dry-run=server", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("a Pod of the Job controller's finalizer: %v", err)
	}
}

// A Pod that no controller makes is lost with its node, and `kubectl drain`
// refuses to evict it without --force: the team member who makes one by hand
// is told so, while the Pods a ReplicaSet makes, which name it as their
// controller, are admitted without a word.
func TestTeamMemberIsWarnedOfABarePod(t *testing.T) {
	const ns = "team-bare"
	teamNamespace(t, ns)
	out, err := combinedKubectl("--as", dev, "run", "scratch", "-n", ns, "--image=nginx:1.27.3", "--dry-run=server")
	if err != nil {
		t.Fatalf("a Pod made by hand: %v: %s", err, out)
	}
	mustContain(t, out, `Warning: pave [bare-pod] metadata.ownerReferences: Pod "scratch" has no controller`, "without --force", "pod/scratch created (server dry run)")

	if _, err := asDev(deployment("web", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"), "apply", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("a Deployment: %v", err)
	}
	var rs map[string]any
	eventually(t, 30*time.Second, func() error {
		rs = getJSON(t, "replicaset", "-n", ns, "-l", "app=web")
		if n := len(at(rs, "items").([]any)); n != 1 {
			return fmt.Errorf("%d ReplicaSets of Deployment web", n)
		}
		return nil
	})
	owned := fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: web-copy, labels: {app: web}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: %s, uid: %s, controller: true}]}\nspec:\n  containers: [{name: app, image: 'nginx:1.27.3'}]\n",
		at(rs, "items", 0, "metadata", "name"), at(rs, "items", 0, "metadata", "uid"))
	out, err = combinedKubectl("--as", dev, "create", "--dry-run=server", "-n", ns, "-f", writeTemp(t, owned))
	if err != nil || strings.Contains(out, "bare-pod") || !strings.Contains(out, "pod/web-copy created (server dry run)") {
		t.Fatalf("a Pod its ReplicaSet controls (error %v): %s", err, out)
	}
}
