package e2e

import (
	"errors"
	"fmt"
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
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {resources: {defaultRequests: {memory: 1Gi}, defaultLimits: {memory: 512Mi}}}\n", "defaultRequests.memory must not exceed defaultLimits.memory"},
		// Text pave could not read as a duration would stop every list and
		// watch of the policy; an overflowing one passes the pattern and
		// fails the rule.
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {backups: {ttl: forever}}\n", "spec.backups.ttl in body should match"},
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {mesh: {traffic: {timeout: 99999999999h}}}\n", "must be a duration pave can read"},
		// Istio reads a 0 percent as unset (Envoy's 10 %), not as none.
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {mesh: {traffic: {outlierDetection: {maxEjectionPercent: 0}}}}\n", "should be greater than or equal to 1"},
		// An empty string that would mean nothing is refused, not dropped.
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {tiers: {defaultTier: \"\"}}\n", "should be at least 1 chars long"},
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

// A rejected policy never silently becomes the built-in one: while pave runs
// the previous generation stays in force, after a restart the last accepted
// one (kept in the status) does, and the status says so.
func TestRejectedPolicySurvivesRestart(t *testing.T) {
	namespace(t, "durable", map[string]string{"pave.dev/team": "durable"})
	good := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  rules: [{id: readiness-probe, mode: enforce}]\n"
	if _, err := s.kubectlIn(good, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	enforced := func() error {
		_, err := s.kubectl("apply", "--dry-run=server", "-n", "durable", "-f", "testdata/plain.yaml")
		if err == nil || !strings.Contains(err.Error(), "[readiness-probe]") {
			return fmt.Errorf("generation 1 is not enforced: %v", err)
		}
		return nil
	}
	eventually(t, 30*time.Second, enforced)
	ready := func(status, reason string) func() error {
		return func() error {
			out, err := s.kubectl("get", "platformpolicy", "default", "-o",
				`jsonpath={.status.conditions[?(@.type=="Ready")].status}/{.status.conditions[?(@.type=="Ready")].reason}/{.status.inForceGeneration}`)
			if err != nil || out != status+"/"+reason+"/1" {
				return fmt.Errorf("status %q, want %s/%s/1 (%v)", out, status, reason, err)
			}
			return nil
		}
	}
	eventually(t, 30*time.Second, ready("True", "InForce"))

	// Unknown rule ids pass the CRD but not the compiler.
	bad := strings.Replace(good, "mode: enforce}]", "mode: enforce}, {id: no-such-rule, mode: warn}]", 1)
	if _, err := s.kubectlIn(bad, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, ready("False", "Rejected"))
	if err := enforced(); err != nil {
		t.Fatal(err)
	}
	s.stopWebhook()
	if err := s.startWebhook(); err != nil { // waits until ready: the last accepted policy serves
		t.Fatal(err)
	}
	// The new certificate's CA reaches the API server asynchronously; then the
	// readiness rule of generation 1 answers, not the built-in policy's warning.
	eventually(t, 60*time.Second, enforced)
	msg, _ := s.kubectl("get", "platformpolicy", "default", "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].message}`)
	mustContain(t, msg, "generation 2 is rejected", `unknown rule "no-such-rule"`, "generation 1 stays in force")
}

// A policy that leaves out a tier namespaces are in would drop them to the
// default tier, their quota changed under their workloads: it stays out,
// the status saying which namespaces to relabel, until they are.
func TestPolicyKeepsTheTiersNamespacesAreIn(t *testing.T) {
	// The built-in tiers stay: other namespaces may be in them.
	builtIn := "{name: small, quota: {requests.cpu: '4', requests.memory: 8Gi, limits.memory: 16Gi, pods: '50'}, maxPerContainer: {memory: 4Gi}}, " +
		"{name: medium, quota: {requests.cpu: '16', requests.memory: 32Gi, limits.memory: 64Gi, pods: '200'}, maxPerContainer: {memory: 16Gi}}, " +
		"{name: large, quota: {requests.cpu: '64', requests.memory: 128Gi, limits.memory: 256Gi, pods: '1000'}, maxPerContainer: {memory: 64Gi}}"
	xl := "{name: xl, quota: {requests.cpu: '128', requests.memory: 256Gi, limits.memory: 512Gi, pods: '2000'}, maxPerContainer: {memory: 64Gi}}"
	usePolicy(t, "{tiers: {defaultTier: medium, tiers: ["+builtIn+", "+xl+"]}}")
	namespace(t, "tier-xl", map[string]string{"pave.dev/team": "ml", "pave.dev/tier": "xl"})
	t.Cleanup(func() { _, _ = s.kubectl("delete", "namespace", "tier-xl", "--wait=false") })
	quota := func(want string) func() error {
		return func() error {
			out, err := s.kubectl("get", "resourcequota", "pave-tier", "-n", "tier-xl", "-o", "jsonpath={.spec.hard.requests\\.cpu}")
			if err != nil || out != want {
				return fmt.Errorf("requests.cpu %q, want %q (%v)", out, want, err)
			}
			return nil
		}
	}
	eventually(t, 30*time.Second, policyReady("InForce: generation 1 is in force"))
	eventually(t, 30*time.Second, quota("128"))

	usePolicy(t, "{tiers: {defaultTier: medium, tiers: ["+builtIn+"]}}")
	eventually(t, 30*time.Second, policyReady(`Rejected: generation 2 is rejected: spec.tiers.tiers: leaves out tier "xl", the pave.dev/tier label of namespace tier-xl: they would fall to the default tier "medium"`))
	// Generation 1 stays in force: the namespace keeps its quota.
	eventually(t, 30*time.Second, quota("128"))

	if _, err := s.kubectl("label", "namespace", "tier-xl", "pave.dev/tier=medium", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, policyReady("InForce: generation 2 is in force"))
	eventually(t, 30*time.Second, quota("16"))
}

// policyReady checks the Ready condition of the PlatformPolicy: its reason
// and message.
func policyReady(want string) func() error {
	return func() error {
		out, err := s.kubectl("get", "platformpolicy", "default", "-o",
			`jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}`)
		if err != nil || !strings.Contains(out, want) {
			return fmt.Errorf("policy %q, want %q (%v)", out, want, err)
		}
		return nil
	}
}

// A policy that leaves out a zone namespaces are in would deny every new Pod
// there, a ReplicaSet's scale-up among them: it stays out, the status saying
// which namespaces to relabel, until they are.
func TestPolicyKeepsTheZonesNamespacesAreIn(t *testing.T) {
	usePolicy(t, "{zones: {names: [public, internal, restricted, legacy]}}")
	namespace(t, "zone-legacy", map[string]string{"pave.dev/team": "legacy", "pave.dev/zone": "legacy"})
	t.Cleanup(func() { _, _ = s.kubectl("delete", "namespace", "zone-legacy", "--wait=false") })
	eventually(t, 30*time.Second, policyReady("InForce: generation 1 is in force"))
	if _, err := s.kubectl("apply", "-n", "zone-legacy", "-f", "testdata/plain.yaml"); err != nil {
		t.Fatal(err)
	}

	usePolicy(t, "{zones: {names: [public, internal, restricted]}}")
	eventually(t, 30*time.Second, policyReady(`Rejected: generation 2 is rejected: spec.zones.names: leaves out zone "legacy", the pave.dev/zone label of namespace zone-legacy`))
	// Generation 1 stays in force: the scale-up's Pod is admitted.
	if _, err := s.kubectl("scale", "-n", "zone-legacy", "deployment", "web", "--replicas=2"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if n := len(getJSON(t, "-n", "zone-legacy", "pods")["items"].([]any)); n != 2 {
			return fmt.Errorf("%d pods, want 2: %s", n, events("zone-legacy"))
		}
		return nil
	})

	if _, err := s.kubectl("label", "namespace", "zone-legacy", "pave.dev/zone=internal", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, policyReady("InForce: generation 2 is in force"))
}

// A proxy template the policy's own rules deny (NET_ADMIN, as istio-init
// asks for) would have every meshed workload denied for a container no team
// wrote: it stays out, the status naming the rule and the template's field,
// and the proxy in force keeps being injected.
func TestPolicyRefusesAProxyItsRulesDeny(t *testing.T) {
	teamNamespace(t, "proxy-rules")
	meshOn(t, "proxy-rules")
	usePolicy(t, `{mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: "docker.io/istio/proxyv2:1.28.1", securityContext: {capabilities: {add: [NET_ADMIN, NET_RAW]}}}}}}`)
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "platformpolicy", "default", "-o",
			`jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}`)
		want := `Rejected: generation 2 is rejected: spec.mesh.sidecar: the policy's own rules would deny every meshed workload for the proxy pave injects: [pss/capabilities_restricted] spec.mesh.sidecar.container.securityContext.capabilities`
		if err != nil || !strings.Contains(out, want) || !strings.Contains(out, "generation 1 stays in force") {
			return fmt.Errorf("policy %q, want %q (%v)", out, want, err)
		}
		return nil
	})
	if _, err := asDev("", "apply", "-n", "proxy-rules", "-f", "testdata/plain.yaml"); err != nil {
		t.Fatalf("a meshed workload was refused while generation 1 is in force: %v", err)
	}
	caps, err := s.kubectl("get", "-n", "proxy-rules", "deployment", "web", "-o", "jsonpath={.spec.template.spec.initContainers[0].securityContext.capabilities}")
	if err != nil || !strings.Contains(caps, "ALL") || strings.Contains(caps, "NET_ADMIN") {
		t.Fatalf("the proxy's capabilities are %q (%v), want generation 1's", caps, err)
	}
}

// A label the policy requires, and enforces, written on a Deployment alone
// (or on its namespace) reaches its ReplicaSet and its Pods: before, the
// Deployment was admitted and each Pod denied by the same rule.
func TestRequiredLabelsReachThePods(t *testing.T) {
	usePolicy(t, "{labels: {required: [pave.dev/team, owner]}, rules: [{id: required-labels, mode: enforce}]}")
	teamNamespace(t, "required-labels")
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("apply", "--dry-run=server", "-n", "required-labels", "-f", "testdata/plain.yaml")
		if err == nil || !strings.Contains(err.Error(), "[required-labels]") {
			return fmt.Errorf("the policy requiring owner is not in force yet: %v", err)
		}
		return nil
	})
	dep := strings.Replace(deployment("web", "      containers: [{name: app, image: 'nginx:1.27.3', readinessProbe: {httpGet: {path: /, port: 80}}}]\n"),
		"metadata: {name: web}", "metadata: {name: web, labels: {owner: alice}}", 1)
	if _, err := asDev(dep, "apply", "-n", "required-labels", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		pods := getJSON(t, "-n", "required-labels", "pods", "-l", "owner=alice")["items"].([]any)
		if len(pods) != 1 {
			return fmt.Errorf("%d pods labelled owner=alice, want 1: %s", len(pods), events("required-labels"))
		}
		return nil
	})
}

// An empty list in the PlatformPolicy is a value all the way from the API
// server to the engine: `required: []` requires no label, where the
// built-in policy requires pave.dev/team. The policy's lists were omitempty
// and the empty one was dropped where the policy is laid over the
// built-in one, so pave.dev/team stayed required.
func TestPolicyEmptyListIsAValue(t *testing.T) {
	namespace(t, "no-required-labels", nil)
	usePolicy(t, "{labels: {required: []}, rules: [{id: required-labels, mode: enforce}, {id: readiness-probe, mode: audit}]}")
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "no-required-labels", "-f", "testdata/plain.yaml")
		if err != nil {
			return fmt.Errorf("no label is required, yet: %v: %s", err, out)
		}
		if strings.Contains(out, "[required-labels]") {
			return fmt.Errorf("required-labels still judged: %s", out)
		}
		return nil
	})
}
