package e2e

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pave-dev/pave/internal/csrtest"
)

// Helpers for acting as a team member: a namespace where dev holds the
// built-in edit role, kubectl --as dev, and assertions on denials.

const dev = "dev@example.com"

// teamNamespace creates an internal namespace where dev holds the edit role
// and may attach debug containers.
func teamNamespace(t *testing.T, name string) {
	t.Helper()
	namespace(t, name, map[string]string{"pave.dev/team": name, "pave.dev/zone": "internal"})
	edit := fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-edit, namespace: %s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %q}]
`, name, dev)
	if _, err := s.kubectlIn(edit, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	grantDev(t, name, "debug", `[{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [get, patch, update]}]`)
}

// grantDev gives the team member, in ns, a Role named role of rules (in
// YAML's flow style).
func grantDev(t *testing.T, ns, role, rules string) {
	t.Helper()
	rbac := fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: %[1]s, namespace: %[2]s}
rules: %[3]s
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-%[1]s, namespace: %[2]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: %[1]s}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %[4]q}]
`, role, ns, rules, dev)
	if _, err := s.kubectlIn(rbac, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
}

// asDev runs kubectl as the team member; stdin may be "".
func asDev(stdin string, args ...string) (string, error) {
	return s.kubectlIn(stdin, append([]string{"--as", dev}, args...)...)
}

// denied asserts that err is pave's denial naming each of want.
func denied(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s was admitted", what)
	}
	mustContain(t, err.Error(), append([]string{"pave denied", "Fix: "}, want...)...)
}

// absent asserts that an object was not stored.
func absent(t *testing.T, ns, kind, name string) {
	t.Helper()
	if out, _ := s.kubectl("get", "-n", ns, kind, name, "--ignore-not-found", "-o", "name"); out != "" {
		t.Fatalf("%s %s/%s was stored", kind, ns, name)
	}
}

// meshOn turns the mesh on for the test and waits until it is in force.
func meshOn(t *testing.T, ns string) {
	t.Helper()
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := s.kubectlIn(policy, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", ns, "-o", "jsonpath={.spec.template.spec.initContainers[0].name}", "-f", "testdata/plain.yaml")
		if err != nil || out != "istio-proxy" {
			return fmt.Errorf("mesh policy not in force yet: %q %v", out, err)
		}
		return nil
	})
}

func deployment(name, podSpec string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s}
spec:
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
%[2]s`, name, podSpec)
}

func writeTemp(t *testing.T, doc string) string {
	t.Helper()
	f, err := os.CreateTemp(s.dir, "doc-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(doc); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// A rule on a kind without a pod template, through the real API server: a
// team member's Service cannot claim external IPs (CVE-2020-8554).
// The edit role writes PodDisruptionBudgets: one that lets no pod go would
// hold every drain of the nodes its pods run on, and the cluster's upgrades.
func TestTeamMemberCannotBlockDrains(t *testing.T) {
	teamNamespace(t, "team-pdb")
	pdb := "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: never}\nspec: {maxUnavailable: 0, selector: {matchLabels: {app: web}}}\n"
	_, err := asDev(pdb, "apply", "-n", "team-pdb", "-f", "-")
	denied(t, "a PodDisruptionBudget of maxUnavailable 0", err, "[disruption-budget] spec.maxUnavailable")
	absent(t, "team-pdb", "poddisruptionbudget", "never")
	all := strings.Replace(pdb, "maxUnavailable: 0", `minAvailable: "100%"`, 1)
	_, err = asDev(all, "apply", "-n", "team-pdb", "-f", "-")
	denied(t, "a PodDisruptionBudget of minAvailable 100%", err, "[disruption-budget] spec.minAvailable")
	if _, err := asDev(strings.Replace(pdb, "maxUnavailable: 0", "maxUnavailable: 1", 1), "apply", "-n", "team-pdb", "-f", "-"); err != nil {
		t.Fatalf("a budget of one pod at a time was refused: %v", err)
	}
}

// A budget that keeps available every pod its workload runs holds every
// drain: the workload written after it is admitted with a warning that says
// so, and one with a replica to spare without.
func TestTeamMemberIsWarnedOfABudgetThatHoldsDrains(t *testing.T) {
	teamNamespace(t, "team-budget")
	pdb := "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 2, selector: {matchLabels: {app: web}}}\n"
	if _, err := asDev(pdb, "apply", "-n", "team-budget", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	web := strings.Replace(deployment("web", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"), "spec:\n", "spec:\n  replicas: 2\n", 1)
	apply := func(doc string, args ...string) string {
		t.Helper()
		out, err := combinedKubectl(append([]string{"--as", dev, "apply", "-n", "team-budget", "-f", writeTemp(t, doc)}, args...)...)
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return out
	}
	// The webhook judges against its cache, which learns of the budget
	// through a watch: a moment after it was written.
	eventually(t, 10*time.Second, func() error {
		if out := apply(web, "--dry-run=server"); !strings.Contains(out, "disruption-budget-replicas") {
			return fmt.Errorf("no warning yet: %s", out)
		}
		return nil
	})
	out := apply(web)
	mustContain(t, out, "Warning: pave [disruption-budget-replicas] spec.replicas", `runs 2 replica(s) and PodDisruptionBudget "web" keeps 2 available`, "spec.replicas: 3")
	if out := apply(strings.Replace(web, "replicas: 2", "replicas: 3", 1)); strings.Contains(out, "disruption-budget-replicas") {
		t.Errorf("a replica to spare was warned of:\n%s", out)
	}
}

// An ExternalName Service is where the shared ingress controller proxies
// for any Ingress that names it: a team may alias a Service of a zoned
// namespace, not the cloud's metadata server nor the API server, neither
// at creation nor by changing an alias it has.
func TestTeamMemberCannotAliasPastTheZones(t *testing.T) {
	teamNamespace(t, "team-alias")
	alias := "apiVersion: v1\nkind: Service\nmetadata: {name: alias}\nspec: {type: ExternalName, externalName: %s}\n"
	_, err := asDev(fmt.Sprintf(alias, "metadata.google.internal"), "apply", "-n", "team-alias", "-f", "-")
	denied(t, "an alias of the metadata server", err, "[service-external-name] spec.externalName")
	absent(t, "team-alias", "service", "alias")
	_, err = asDev(fmt.Sprintf(alias, "kubernetes.default.svc.cluster.local"), "apply", "-n", "team-alias", "-f", "-")
	denied(t, "an alias of the API server", err, "the API server")
	if _, err := asDev(fmt.Sprintf(alias, "web.team-alias.svc.cluster.local"), "apply", "-n", "team-alias", "-f", "-"); err != nil {
		t.Fatalf("an alias of a Service of a zoned namespace was refused: %v", err)
	}
	_, err = asDev(fmt.Sprintf(alias, "169.254.169.254"), "apply", "-n", "team-alias", "-f", "-")
	denied(t, "an alias changed to an address", err, "a host outside the cluster")
	if out, err := s.kubectl("get", "service", "alias", "-n", "team-alias", "-o", "jsonpath={.spec.externalName}"); err != nil || out != "web.team-alias.svc.cluster.local" {
		t.Errorf("the alias after a refused change: %q (%v)", out, err)
	}
}

func TestTeamMemberServiceExternalIPs(t *testing.T) {
	teamNamespace(t, "team-svc")
	svc := "apiVersion: v1\nkind: Service\nmetadata: {name: grab}\nspec: {ports: [{port: 80}], externalIPs: [8.8.8.8]}\n"
	_, err := asDev(svc, "apply", "-n", "team-svc", "-f", "-")
	denied(t, "a Service with externalIPs", err, "[service-external-ips] spec.externalIPs")
	absent(t, "team-svc", "service", "grab")
	if _, err := asDev(strings.Replace(svc, ", externalIPs: [8.8.8.8]", "", 1), "apply", "-n", "team-svc", "-f", "-"); err != nil {
		t.Fatalf("a plain Service was refused: %v", err)
	}
}

// A team member may not ask the platform's issuers for a certificate of a
// host another team routes, by a Certificate or by a CertificateRequest of
// their own (cert-manager approves every request to its issuers); for their
// own team's host they may. The edit role gets both as cert-manager's chart
// gives them.
func TestTeamMemberCannotCertifyAnotherTeamsHost(t *testing.T) {
	role := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cert-manager-edit-e2e, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
rules: [{apiGroups: [cert-manager.io], resources: [certificates, certificaterequests], verbs: [create, update, patch, delete, get, list]}]
`
	if _, err := s.kubectlIn(role, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "clusterrole", "cert-manager-edit-e2e", "--ignore-not-found") })
	teamNamespace(t, "team-cert-owner")
	teamNamespace(t, "team-cert-thief")
	ing := "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: owned.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}\n"
	if _, err := asDev(ing, "apply", "-n", "team-cert-owner", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	cert := "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: tls}\nspec: {secretName: tls, dnsNames: [owned.example.com], issuerRef: {kind: ClusterIssuer, name: letsencrypt}}\n"
	// The aggregated role, and the admission server's cache of hosts, each
	// learn of what was just written a moment later.
	var err error
	eventually(t, 30*time.Second, func() error {
		_, err = asDev(cert, "create", "--dry-run=server", "-n", "team-cert-thief", "-f", "-")
		if err == nil || !strings.Contains(err.Error(), "certificate-host") {
			return fmt.Errorf("not denied by certificate-host yet: %v", err)
		}
		return nil
	})
	denied(t, "a Certificate for another team's host", err, "[certificate-host] spec.dnsNames[0]", `Ingress team-cert-owner/web of team "team-cert-owner" routes it`)
	absent(t, "team-cert-thief", "certificate", "tls")
	if _, err := asDev(cert, "apply", "-n", "team-cert-owner", "-f", "-"); err != nil {
		t.Fatalf("a Certificate for the team's own host was refused: %v", err)
	}
	// The same host asked for by the CSR of a CertificateRequest, as
	// cmctl writes one, with the common name only.
	request := fmt.Sprintf("apiVersion: cert-manager.io/v1\nkind: CertificateRequest\nmetadata: {name: tls-by-hand}\nspec: {request: %s, issuerRef: {kind: ClusterIssuer, name: letsencrypt}}\n",
		base64.StdEncoding.EncodeToString(csrtest.PEM(t, "owned.example.com")))
	_, err = asDev(request, "create", "-n", "team-cert-thief", "-f", "-")
	denied(t, "a CertificateRequest for another team's host", err, "[certificate-host] spec.request", `CertificateRequest "tls-by-hand" asks in its CSR for host "owned.example.com", but Ingress team-cert-owner/web`)
	absent(t, "team-cert-thief", "certificaterequest", "tls-by-hand")
	if _, err := asDev(request, "create", "-n", "team-cert-owner", "-f", "-"); err != nil {
		t.Fatalf("a CertificateRequest for the team's own host was refused: %v", err)
	}
	// The same host published in DNS for a Service of the thief's, by
	// external-dns's annotation (finding 80).
	published := "apiVersion: v1\nkind: Service\nmetadata: {name: lb, annotations: {external-dns.alpha.kubernetes.io/hostname: owned.example.com}}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n"
	_, err = asDev(published, "create", "-n", "team-cert-thief", "-f", "-")
	denied(t, "a Service that publishes another team's host", err, "[dns-host] metadata.annotations[external-dns.alpha.kubernetes.io/hostname]", `Ingress team-cert-owner/web of team "team-cert-owner" routes it`)
	absent(t, "team-cert-thief", "service", "lb")
	if _, err := asDev(published, "create", "-n", "team-cert-owner", "-f", "-"); err != nil {
		t.Fatalf("a Service publishing the team's own host was refused: %v", err)
	}

	// The ingress controller's own Service sends domains to it: those
	// wildcards claim none of the hosts the teams' Ingresses divide them
	// into, nor are they judged against them (*.example.com covers the
	// owner's host).
	controller := "apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata: {name: controller, namespace: ingress-nginx, annotations: {external-dns.alpha.kubernetes.io/hostname: \"*.example.com,*.apps.example.com\"}}\nspec: {selector: {app: ingress-nginx}, ports: [{port: 443}]}\n"
	if _, err := s.kubectlIn(controller, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "-n", "ingress-nginx", "service", "controller", "--ignore-not-found")
	})

	// A name only a Service publishes is its team's too (finding 82): the
	// thief may not publish it again, route it or have it certified.
	status := strings.ReplaceAll(published, "owned.example.com", "status.example.com")
	if _, err := asDev(strings.Replace(status, "name: lb", "name: status", 1), "create", "-n", "team-cert-owner", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error { // the admission server's cache learns of the Service
		if _, err = asDev(status, "create", "--dry-run=server", "-n", "team-cert-thief", "-f", "-"); err == nil {
			return errors.New("a name another team's Service publishes was published again")
		}
		return nil
	})
	denied(t, "a Service that publishes a name another team's Service publishes", err, "[dns-host] metadata.annotations[external-dns.alpha.kubernetes.io/hostname]", `Service team-cert-owner/status of team "team-cert-owner" publishes it`)
	_, err = asDev(strings.ReplaceAll(ing, "owned.example.com", "status.example.com"), "create", "-n", "team-cert-thief", "-f", "-")
	denied(t, "an Ingress for a name another team's Service publishes", err, "[ingress-host] spec.rules[0].host", `Service team-cert-owner/status of team "team-cert-owner" publishes it in DNS`)
	_, err = asDev(strings.ReplaceAll(cert, "owned.example.com", "status.example.com"), "create", "-n", "team-cert-thief", "-f", "-")
	denied(t, "a Certificate for a name another team's Service publishes", err, "[certificate-host] spec.dnsNames[0]", `Service team-cert-owner/status of team "team-cert-owner" publishes it`)
	absent(t, "team-cert-thief", "ingress", "web")
	absent(t, "team-cert-thief", "certificate", "tls")
	// The cache learnt of the controller's Service before the owner's.
	if _, err := asDev(strings.ReplaceAll(ing, "owned.example.com", "thief.apps.example.com"), "create", "-n", "team-cert-thief", "-f", "-"); err != nil {
		t.Fatalf("an Ingress under the wildcard the ingress controller's Service publishes was refused: %v", err)
	}
}
