package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// pave preflight against the live cluster flags a planted lock-out risk: a
// webhook that fails closed on every namespace, kube-system included; it
// lists pave's own webhooks with their failure policy and timeout.
func TestPreflightFindsLockout(t *testing.T) {
	planted := `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: planted-lockout}
webhooks:
- name: everything.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  clientConfig: {url: "https://127.0.0.1:1/validate"}
` + harmless
	plant(t, "planted-lockout", planted)
	out, err := s.run(s.paveBin, "", "preflight")
	if err == nil {
		t.Fatalf("pave preflight exited 0 with a lock-out planted:\n%s", out)
	}
	mustContain(t, out, "webhook-lockout", "ValidatingWebhookConfiguration planted-lockout, webhook everything.example.com", "kube-system",
		"pave-webhook", "webhook validate.pave.dev", "failurePolicy Fail, timeout 5s")
	// pave's own webhooks exclude the system namespaces and pave's; a
	// namespace other tests made may still be flagged (one named like a CNI's).
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "webhook-lockout") && strings.Contains(line, "ValidatingWebhookConfiguration pave,") &&
			(strings.Contains(line, "kube-system") || strings.Contains(line, "pave-system")) {
			t.Errorf("pave's own webhook is flagged on a system namespace: %s", line)
		}
	}
}

// A webhook and an aggregated API served from a namespace pave's zones
// would isolate are named (the zones' NetworkPolicies admit nothing from the
// API server), until that namespace is excluded from pave.
func TestPreflightFindsWebhooksTheZonesWouldCutOff(t *testing.T) {
	namespace(t, "policy-engine", nil)
	planted := `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: planted-isolated}
webhooks:
- name: validate.policy-engine.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  clientConfig: {service: {namespace: policy-engine, name: engine, path: /validate}}
  namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: policy-engine}}
` + harmless
	plant(t, "planted-isolated", planted)
	// A group no one uses: while its server answers nothing, only its own
	// discovery fails.
	api := `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1alpha1.preflight.example.com}
spec: {group: preflight.example.com, version: v1alpha1, groupPriorityMinimum: 100, versionPriority: 1, insecureSkipTLSVerify: true,
  service: {namespace: policy-engine, name: engine}}
`
	if _, err := s.kubectlIn(api, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "apiservice", "v1alpha1.preflight.example.com", "--ignore-not-found")
	})
	out, _ := s.run(s.paveBin, "", "preflight")
	mustContain(t, out, "webhook-isolated", "ValidatingWebhookConfiguration planted-isolated, webhook", "Service policy-engine/engine",
		"exclude policy-engine from pave", "apiservice-isolated", "APIService v1alpha1.preflight.example.com")
	if out, _ := s.run(s.paveBin, "", "preflight", "--exclude-namespaces", "policy-engine"); strings.Contains(out, "policy-engine/engine") {
		t.Errorf("with policy-engine excluded, preflight still names its webhook:\n%s", out)
	}
}

// harmless ends a planted webhook: it matches a resource no one creates, so
// the plant cannot lock this test cluster out.
const harmless = "  rules: [{apiGroups: [example.com], apiVersions: [v1], operations: [CREATE], resources: [nothings]}]\n"

// plant applies a ValidatingWebhookConfiguration until the test ends.
func plant(t *testing.T, name, doc string) {
	t.Helper()
	if _, err := s.kubectlIn(doc, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "validatingwebhookconfiguration", name, "--ignore-not-found") })
}

// The policy about to be installed is tried on the Services there are too:
// a NodePort Service that a zone took until now is reported, not only the
// workloads.
func TestPreflightJudgesServices(t *testing.T) {
	namespace(t, "edge-public", map[string]string{"pave.dev/team": "edge", "pave.dev/zone": "public"})
	if _, err := s.kubectl("create", "service", "nodeport", "edge", "--tcp=80:8080", "-n", "edge-public"); err != nil {
		t.Fatal(err)
	}
	closed := writeTemp(t, "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  zones: {access: [{zone: internal, allowFrom: [public]}]}\n")
	out, _ := s.run(s.paveBin, "", "preflight", "--policy", closed)
	mustContain(t, out, "policy-would-deny", "Service edge-public/edge", "service-exposure (spec.type)")
}

// Objects a team's guard refuses but that were written before it (here by
// the platform team, whom the guards trust) are open today: preflight names
// them, judged by the guards' own expressions (a Secret labelled as a
// dashboard among them); and so is a snippet the ingress guard keeps on
// the Ingress that had it, and the DRA admin-access label the namespace
// guard keeps on the namespace that had it.
func TestPreflightReportsWhatTheGuardsRefuse(t *testing.T) {
	teamNamespace(t, "pre-open")
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "pre-open", "networkpolicy", "pave-zone"}, "{.metadata.name}", "pave-zone"))
	objs := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all}\nspec:\n  podSelector: {}\n  ingress: [{}]\n---\n" +
		"apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: peek}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: org-vault}\n  dataFrom: [{extract: {key: billing/db}}]\n---\n" +
		// A snippet the ingress guard keeps: it refuses only what a change adds.
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: legacy\n  annotations: {nginx.ingress.kubernetes.io/configuration-snippet: \"more_set_headers 'X-Legacy: 1';\"}\n" +
		"spec:\n  rules: [{host: legacy.pre-open.example.com}]\n---\n" +
		// A dashboard in a Secret, which the Grafana sidecar reads too: read
		// by its metadata alone.
		"apiVersion: v1\nkind: Secret\nmetadata: {name: dash, labels: {grafana_dashboard: \"1\"}}\nstringData: {dash.json: \"{}\"}\n"
	if _, err := s.kubectlIn(objs, "create", "-n", "pre-open", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	// A label the namespace guard keeps: Kubernetes' DRA admin access.
	if _, err := s.kubectl("label", "namespace", "pre-open", "resource.kubernetes.io/admin-access=true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("label", "namespace", "pre-open", "resource.kubernetes.io/admin-access-") })
	withStore := writeTemp(t, "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  secrets: {store: org-vault}\n")
	out, err := s.run(s.paveBin, "", "preflight", "--policy", withStore)
	if err == nil {
		t.Errorf("preflight passed:\n%s", out)
	}
	mustContain(t, out, "guard-would-refuse", "NetworkPolicy pre-open/allow-all", "reaches beyond namespace pre-open",
		"ExternalSecret pre-open/peek", "names key billing/db of ClusterSecretStore org-vault",
		"guard-keeps", "Ingress pre-open/legacy", "nginx.ingress.kubernetes.io/configuration-snippet",
		"Secret pre-open/dash", "Grafana sidecar reads it as a dashboard",
		"Namespace pre-open", "kubectl label namespace pre-open resource.kubernetes.io/admin-access-")
	if strings.Contains(out, "pre-open/pave-zone") {
		t.Errorf("pave's own policy is a finding:\n%s", out)
	}
}

// A role aggregated into the built-in edit role that writes Endpoints (as
// edit itself did before Kubernetes 1.22) lets a team aim the ingress
// controller anywhere: preflight names it, and not today's built-in roles.
func TestPreflightFindsTeamRolesThatWriteEndpoints(t *testing.T) {
	role := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: legacy-endpoints, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
rules: [{apiGroups: [""], resources: [endpoints], verbs: [create, update, patch, delete]}]
`
	if _, err := s.kubectlIn(role, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "clusterrole", "legacy-endpoints", "--ignore-not-found") })
	// The role does what preflight says: a team member with edit may now
	// write Endpoints (once the aggregation controller has copied it in).
	teamNamespace(t, "team-endpoints")
	eventually(t, 30*time.Second, func() error {
		if out, err := asDev("", "auth", "can-i", "create", "endpoints", "-n", "team-endpoints"); err != nil || !strings.Contains(out, "yes") {
			return fmt.Errorf("edit does not write endpoints yet: %q %v", out, err)
		}
		return nil
	})
	out, err := s.run(s.paveBin, "", "preflight")
	if err == nil {
		t.Fatalf("pave preflight exited 0 with a team role that writes endpoints:\n%s", out)
	}
	mustContain(t, out, "team-role-endpoints", "ClusterRole legacy-endpoints", "the edit role write access to endpoints", "kubectl edit clusterrole legacy-endpoints")
	if strings.Contains(out, "ClusterRole system:aggregate-to-") {
		t.Errorf("preflight names a built-in role of Kubernetes 1.22 and later:\n%s", out)
	}
}

// A Certificate asked for before another team routed its host stays
// issued: preflight names it, with the rule and field.
func TestPreflightNamesACertificateForAHostAnotherTeamRoutes(t *testing.T) {
	namespace(t, "cert-early", map[string]string{"pave.dev/team": "early"})
	namespace(t, "cert-late", map[string]string{"pave.dev/team": "late"})
	cert := "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: tls, namespace: cert-early}\nspec: {secretName: tls, dnsNames: [late.example.com], issuerRef: {kind: ClusterIssuer, name: letsencrypt}}\n"
	if _, err := s.kubectlIn(cert, "apply", "-f", "-"); err != nil {
		t.Fatal(err) // nobody routes the host yet
	}
	ing := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: cert-late}\nspec: {rules: [{host: late.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}\n"
	if _, err := s.kubectlIn(ing, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	out, _ := s.run(s.paveBin, "", "preflight")
	mustContain(t, out, "policy-would-deny", "Certificate cert-early/tls", "certificate-host (spec.dnsNames[0])")
}

// A namespace that already runs more than the tier the policy gives it is
// named before the quota is written: counted as the quota controller
// counts, from the Pods the controller-manager made and the Deployments.
func TestPreflightNamesANamespaceOverItsTier(t *testing.T) {
	namespace(t, "crowded", map[string]string{"pave.dev/team": "crowded", "pave.dev/tier": "tiny"})
	for _, name := range []string{"one", "two"} {
		if _, err := s.kubectl("create", "deployment", name, "--image=nginx:1.27.3", "-n", "crowded"); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "pods", "-n", "crowded", "-o", "name")
		if n := len(strings.Fields(out)); err != nil || n != 2 {
			return fmt.Errorf("%d pods, want the two Deployments' (%v)", n, err)
		}
		return nil
	})
	tiny := writeTemp(t, "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  tiers:\n    defaultTier: none\n    tiers:\n"+
		"    - {name: tiny, quota: {pods: \"1\", count/deployments.apps: \"1\"}}\n")
	out, err := s.run(s.paveBin, "", "preflight", "--policy", tiny)
	if err == nil {
		t.Errorf("pave preflight exited 0 with a namespace over its tier")
	}
	mustContain(t, out, "tier-exceeded", "Namespace crowded (tier tiny)", "count/deployments.apps 2, the tier allows 1", "pods 2, the tier allows 1", "cannot roll out, scale up")
}
