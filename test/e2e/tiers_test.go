package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A namespace's tier becomes its ResourceQuota and LimitRange, a relabel
// resizes them, pave warns at the Deployment that its pods do not fit, and the
// real quota admission then refuses the pod over the tier.
func TestTiersSizeNamespaces(t *testing.T) {
	namespace(t, "tiered", map[string]string{"pave.dev/tier": "small", "pave.dev/team": "tiered"})
	// The quota's pods as pave wrote them and as the quota controller has
	// taken them up: the API server admits against its status, so a Pod
	// created before the status follows the spec is judged by the old tier.
	quotaPods := func(want string) func() error {
		return func() error {
			out, err := s.kubectl("get", "-n", "tiered", "resourcequota", "pave-tier", "-o", "jsonpath={.spec.hard.pods} {.status.hard.pods}")
			if err != nil || out != want+" "+want {
				return fmt.Errorf("quota pods (spec, status) %q, want %q twice (%v)", out, want, err)
			}
			return nil
		}
	}
	eventually(t, 30*time.Second, quotaPods("50"))
	// The built-in tiers count the workloads pave writes companions for, and
	// the PodDisruptionBudgets and Services the admission server holds, as many as their
	// pods, and the quota controller takes the counts up.
	eventually(t, 30*time.Second, func() error {
		q := getJSON(t, "-n", "tiered", "resourcequota", "pave-tier")
		for _, name := range []string{"count/deployments.apps", "count/statefulsets.apps", "count/daemonsets.apps", "count/poddisruptionbudgets.policy", "services"} {
			if at(q, "spec", "hard", name) != "50" || at(q, "status", "hard", name) != "50" || at(q, "status", "used", name) != "0" {
				return fmt.Errorf("quota %s (spec, status, used): %v, %v, %v", name, at(q, "spec", "hard", name), at(q, "status", "hard", name), at(q, "status", "used", name))
			}
		}
		return nil
	})
	lr := getJSON(t, "-n", "tiered", "limitrange", "pave-tier")
	if at(lr, "spec", "limits", 0, "defaultRequest", "memory") != "128Mi" || at(lr, "metadata", "ownerReferences", 0, "kind") != "Namespace" {
		t.Errorf("LimitRange: %v", lr)
	}
	if _, err := s.kubectl("label", "namespace", "tiered", "pave.dev/tier=large", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, quotaPods("1k"))

	// A tier of one pod: the second replica is refused by the API server.
	// The policy keeps the built-in tiers namespaces are in (this one is
	// large): one that left them out would be refused.
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  tiers:\n    tiers:\n    - {name: tiny, quota: {pods: \"1\", requests.cpu: \"1\", requests.memory: 1Gi, limits.memory: 1Gi, count/deployments.apps: \"1\"}}\n" +
		"    - {name: small, quota: {pods: \"50\"}}\n    - {name: medium, quota: {pods: \"200\"}}\n    - {name: large, quota: {pods: \"1000\"}}\n    defaultTier: medium\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	if _, err := s.kubectl("label", "namespace", "tiered", "pave.dev/tier=tiny", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, quotaPods("1"))
	two := strings.Replace(readFile(t, "testdata/plain.yaml"), "spec:\n  selector", "spec:\n  replicas: 2\n  selector", 1)
	// pave's finding comes first, at the Deployment, once the quota's usage
	// is known.
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "tiered", "-f", writeTemp(t, two))
		if err != nil || !strings.Contains(out, "Warning: pave [quota-headroom] spec.replicas") || !strings.Contains(out, "ResourceQuota pave-tier") {
			return fmt.Errorf("no headroom warning: %s %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectlIn(two, "apply", "-n", "tiered", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if ev := events("tiered"); !strings.Contains(ev, "exceeded quota: pave-tier") {
			return fmt.Errorf("no quota refusal yet: %s", ev)
		}
		return nil
	})
	pods := getJSON(t, "-n", "tiered", "pods", "-l", "app=web")
	if items, _ := pods["items"].([]any); len(items) != 1 {
		t.Fatalf("%d pods, want the tier's one", len(items))
	}

	// One Deployment is all the tiny tier counts: the next is refused at
	// once, by the API server, in its words.
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("create", "deployment", "second", "--image=nginx:1.27.3", "-n", "tiered", "--dry-run=server")
		if err == nil || !strings.Contains(out, "exceeded quota: pave-tier, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1") {
			return fmt.Errorf("a second Deployment was not refused by the count: %v %s", err, out)
		}
		return nil
	})

	// A Job's pods are refused the same way, seen only in its events: pave
	// says so at the Job, by the pods it runs at once.
	job := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: batch}\nspec:\n  parallelism: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: batch, image: \"nginx:1.27.3\"}]\n"
	out, err := combinedKubectl("apply", "--dry-run=server", "-n", "tiered", "-f", writeTemp(t, job))
	if err != nil || !strings.Contains(out, "Warning: pave [quota-headroom] spec.parallelism: the Job's 2 pods at once do not fit ResourceQuota pave-tier: pods: needs 2, 0 left of 1") {
		t.Errorf("no headroom warning for the Job: %s %v", out, err)
	}
}

// A container above its tier's maxPerContainer: the LimitRange refuses the
// Pod, and pave the Deployment, whose Pods would all be refused.
func TestContainerAboveTheTiersMaximumIsDenied(t *testing.T) {
	namespace(t, "tiermax", map[string]string{"pave.dev/tier": "small", "pave.dev/team": "tiermax"})
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "tiermax", "limitrange", "pave-tier")
		return err
	})
	big := strings.Replace(readFile(t, "testdata/plain.yaml"), "image: nginx:1.27.3", "image: nginx:1.27.3\n        resources: {limits: {memory: 8Gi}}", 1)
	out, err := combinedKubectl("create", "--dry-run=server", "-n", "tiermax", "-f", writeTemp(t, big))
	if err == nil || !strings.Contains(out, "[container-max] spec.template.spec.containers[0].resources.limits.memory") || !strings.Contains(out, `tier "small"`) {
		t.Errorf("the Deployment was not denied for its container: %v %s", err, out)
	}
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers: [{name: web, image: nginx:1.27.3, resources: {limits: {memory: 8Gi}}}]\n"
	out, err = combinedKubectl("create", "--dry-run=server", "-n", "tiermax", "-f", writeTemp(t, pod))
	if err == nil || !strings.Contains(out, "maximum memory usage per Container is 4Gi") {
		t.Errorf("the LimitRange did not refuse the Pod: %v %s", err, out)
	}
	fits := strings.Replace(big, "8Gi", "4Gi", 1)
	if out, err := combinedKubectl("create", "--dry-run=server", "-n", "tiermax", "-f", writeTemp(t, fits)); err != nil {
		t.Errorf("a container at the maximum was refused: %s", out)
	}
}

// A limit of 0 is no limit to the kubelet, and nothing in the API server
// says so: the tier's LimitRange takes it where it refuses 8Gi (shown in a
// namespace pave does not govern, with the same LimitRange), and a team
// member's Deployment and Pod with one would run unbounded in a tiered
// namespace. pave refuses both; the same container with a real limit is
// admitted.
func TestTeamMemberCannotRunWithoutALimit(t *testing.T) {
	teamNamespace(t, "zerolimit")
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "zerolimit", "limitrange", "pave-tier")
		return err
	})
	ranged, err := s.kubectl("get", "-n", "zerolimit", "limitrange", "pave-tier", "-o", "jsonpath={.spec}")
	if err != nil {
		t.Fatal(err)
	}
	copyOf := "apiVersion: v1\nkind: LimitRange\nmetadata: {name: zero-limit-premise, namespace: kube-public}\nspec: " + ranged + "\n"
	if _, err := s.kubectlIn(copyOf, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "-n", "kube-public", "limitrange", "zero-limit-premise", "--ignore-not-found")
	})
	pod := func(limit string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: unbounded}\nspec:\n  containers: [{name: app, image: nginx:1.27.3, resources: {limits: {memory: " + limit + "}}}]\n"
	}
	if out, err := combinedKubectl("create", "--dry-run=server", "-n", "kube-public", "-f", writeTemp(t, pod("64Gi"))); err == nil || !strings.Contains(out, "maximum memory usage per Container is 16Gi") {
		t.Fatalf("the copied LimitRange is not in force: %v %s", err, out)
	}
	if out, err := combinedKubectl("create", "--dry-run=server", "-n", "kube-public", "-o", "jsonpath={.spec.containers[0].resources}", "-f", writeTemp(t, pod(`"0"`))); err != nil || !strings.Contains(out, `"limits":{"memory":"0"}`) {
		t.Fatalf("without pave the LimitRange should take a limit of 0 as it is: %v %s", err, out)
	}

	_, err = asDev(pod(`"0"`), "apply", "-n", "zerolimit", "-f", "-")
	denied(t, "a Pod with a memory limit of 0", err, "[zero-limit] spec.containers[0].resources.limits.memory", "runs as no limit at all", "remove resources.limits.memory to get the default of 256Mi")
	deploy := deployment("unbounded", "      containers: [{name: app, image: 'nginx:1.27.3', resources: {limits: {memory: 0Gi}}}]\n")
	_, err = asDev(deploy, "apply", "-n", "zerolimit", "-f", "-")
	denied(t, "a Deployment with a memory limit of 0", err, "[zero-limit] spec.template.spec.containers[0].resources.limits.memory", `tier "medium"`)
	absent(t, "zerolimit", "deployment", "unbounded")
	if out, err := asDev(strings.Replace(deploy, "0Gi", "1Gi", 1), "apply", "--dry-run=server", "-n", "zerolimit", "-f", "-"); err != nil {
		t.Errorf("a real limit was refused: %v %s", err, out)
	}
}

// A tier label the policy does not name gives the namespace the default
// tier's quota, and a Warning event on the Namespace says so.
func TestUnknownTierIsReportedOnTheNamespace(t *testing.T) {
	namespace(t, "tier-typo", map[string]string{"pave.dev/tier": "lage", "pave.dev/team": "tier-typo"})
	t.Cleanup(func() { _, _ = s.kubectl("delete", "namespace", "tier-typo", "--wait=false") })
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "events", "-A", "--field-selector", "reason=UnknownTier,involvedObject.kind=Namespace,involvedObject.name=tier-typo",
			"-o", "jsonpath={.items[*].type} {.items[*].message}")
		if err != nil || !strings.Contains(out, `Warning label pave.dev/tier=lage names no tier of the policy (small, medium, large), so the namespace gets the default tier "medium"`) {
			return fmt.Errorf("no UnknownTier event for namespace tier-typo: %q (%v)", out, err)
		}
		return nil
	})
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "tier-typo", "resourcequota", "pave-tier", "-o", "jsonpath={.metadata.labels.pave\\.dev/tier} {.spec.hard.pods}")
		if err != nil || out != "medium 200" {
			return fmt.Errorf("quota of namespace tier-typo: %q (%v), want the default tier medium's 200 pods", out, err)
		}
		return nil
	})
}
