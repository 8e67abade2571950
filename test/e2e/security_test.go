package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 7 replayed as a team member would: the built-in edit role (plus
// kubectl debug) through kubectl --as, against the real API server. Every
// finding is denied with rule, field and fix, and nothing of it is stored.

// Finding 1: thousands of failing containers get a bounded answer in time.
func TestTeamMemberManyContainers(t *testing.T) {
	teamNamespace(t, "team-big")
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, "      - {name: c%d, image: nginx, securityContext: {privileged: true}}\n", i)
	}
	_, err := asDev(deployment("big", "      containers:\n"+b.String()), "create", "-n", "team-big", "-f", "-")
	denied(t, "a 2000-container Deployment", err, "[pod-size] spec.template.spec: the pod template has 2000 containers")
	if len(err.Error()) > 4096 {
		t.Errorf("the denial is %d bytes", len(err.Error()))
	}
	b.Reset()
	for i := range 250 {
		fmt.Fprintf(&b, "      - {name: c%d, image: nginx, securityContext: {privileged: true}}\n", i)
	}
	_, err = asDev(deployment("wide", "      containers:\n"+b.String()), "create", "-n", "team-big", "-f", "-")
	denied(t, "a 250-container Deployment", err, "[pss/privileged]", "240 more findings of this rule are not listed")
	if len(err.Error()) > 64<<10 {
		t.Errorf("the denial is %d bytes", len(err.Error()))
	}
	absent(t, "team-big", "deployment", "big")
	absent(t, "team-big", "deployment", "wide")
}

const compliantPod = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: app
    image: nginx:1.27.3
    readinessProbe: {httpGet: {path: /, port: 80}}
`

// Finding 2: a Pod's images are mutable; changing one is judged. Labels
// still change freely, but for the zone's.
func TestTeamMemberPodUpdate(t *testing.T) {
	teamNamespace(t, "team-pods")
	if _, err := asDev(compliantPod, "apply", "-n", "team-pods", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	_, err := asDev("", "set", "image", "-n", "team-pods", "pod/web", "app=nginx:latest")
	denied(t, "set image :latest", err, "[image-pinned] spec.containers[0].image")
	_, err = asDev("", "set", "image", "-n", "team-pods", "pod/web", "app=evil.example.com/miner")
	denied(t, "set image untagged", err, "[image-pinned] spec.containers[0].image")
	if out, _ := s.kubectl("get", "-n", "team-pods", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}"); out != "nginx:1.27.3" {
		t.Fatalf("image changed to %q", out)
	}
	if _, err := asDev("", "label", "-n", "team-pods", "pod/web", "release=blue"); err != nil {
		t.Fatalf("a label change was refused: %v", err)
	}
	// Finding 34: but not the zone's label, by which the zone's network
	// policies find the Pod.
	_, err = asDev("", "label", "-n", "team-pods", "pod/web", "pave.dev/zone-")
	denied(t, "the zone label removed", err, "[zone-known] metadata.labels[pave.dev/zone]", "outside the zone's boundary")
	if out, _ := s.kubectl("get", "-n", "team-pods", "pod", "web", "-o", `jsonpath={.metadata.labels.pave\.dev/zone}`); out != "internal" {
		t.Fatalf("the Pod's zone label is %q", out)
	}
}

// Finding 3: kubectl debug's containers are governed like any other.
func TestTeamMemberDebugContainers(t *testing.T) {
	teamNamespace(t, "team-debug")
	if _, err := asDev(compliantPod, "apply", "-n", "team-debug", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	custom := filepath.Join(s.dir, "debug-custom.yaml")
	if err := os.WriteFile(custom, []byte("env: [{name: DB_PASSWORD, value: hunter2}]\nsecurityContext: {privileged: true, runAsUser: 0}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := asDev("", "debug", "-n", "team-debug", "pod/web", "--image=busybox", "--container=dbg", "--custom="+custom, "--profile=legacy")
	denied(t, "a privileged root debug container with a literal password", err,
		"[pss/privileged] spec.ephemeralContainers[0].securityContext.privileged",
		"[image-pinned] spec.ephemeralContainers[0].image",
		"[no-literal-secrets] spec.ephemeralContainers[0].env[0].value")
	// kubectl's general profile adds SYS_PTRACE: denied unless the policy relaxes it.
	_, err = asDev("", "debug", "-n", "team-debug", "pod/web", "--image=busybox:1.36", "--container=general")
	denied(t, "a debug container with SYS_PTRACE", err, "[pss/capabilities_restricted] spec.ephemeralContainers[0].securityContext.capabilities")
	if _, err := asDev("", "debug", "-n", "team-debug", "pod/web", "--image=busybox:1.36", "--container=ok", "--profile=restricted"); err != nil {
		t.Fatalf("a compliant debug container was refused: %v", err)
	}
	pod := getJSON(t, "-n", "team-debug", "pod", "web")
	if n := len(at(pod, "spec", "ephemeralContainers").([]any)); n != 1 {
		t.Fatalf("%d ephemeral containers stored, want only the compliant one", n)
	}
	if got := at(pod, "spec", "ephemeralContainers", 0, "securityContext", "capabilities", "drop", 0); got != "ALL" {
		t.Errorf("debug container not hardened: %v", at(pod, "spec", "ephemeralContainers", 0))
	}
}

// Findings 4 and 5: a workload cannot label itself out of its namespace's
// zone or the mesh, and a look-alike sidecar is not the sidecar.
func TestTeamMemberCannotLeaveTheMesh(t *testing.T) {
	teamNamespace(t, "team-mesh")
	meshOn(t, "team-mesh")
	escape := strings.Replace(deployment("escape", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"),
		"metadata: {name: escape}", "metadata: {name: escape, labels: {pave.dev/zone: public}, annotations: {pave.dev/inject: \"false\"}}", 1)
	_, err := asDev(escape, "apply", "-n", "team-mesh", "-f", "-")
	denied(t, "a workload labelled public in an internal namespace", err,
		"[zone-known] metadata.labels[pave.dev/zone]", `namespace is in zone "internal"`, "[mesh-sidecar]")
	absent(t, "team-mesh", "deployment", "escape")

	// The status hash of a real injection, copied onto a look-alike.
	if _, err := asDev(deployment("real", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"), "apply", "-n", "team-mesh", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	hash, err := s.kubectl("get", "-n", "team-mesh", "deployment", "real", "-o", `jsonpath={.spec.template.metadata.annotations.pave\.dev/sidecar-status}`)
	if err != nil || hash == "" {
		t.Fatalf("no status hash: %q %v", hash, err)
	}
	if _, err := asDev("", "create", "configmap", "-n", "team-mesh", "mine"); err != nil {
		t.Fatal(err)
	}
	fake := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: fake
  annotations: {pave.dev/sidecar-status: %q}
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: mine, uid: 00000000-0000-0000-0000-000000000000}]
spec:
  initContainers: [{name: istio-proxy, image: "busybox:1.36", restartPolicy: Always, command: [sleep, infinity]}]
  containers: [{name: app, image: "nginx:1.27.3"}]
`, hash)
	_, err = asDev(fake, "apply", "-n", "team-mesh", "-f", "-")
	denied(t, "a look-alike sidecar", err, "[mesh-sidecar] spec.initContainers", `runs image "busybox:1.36"`)
	absent(t, "team-mesh", "pod", "fake")

	// A container of the user's named like the sidecar: pave's answer, not a
	// duplicate-name error about a container pave added.
	named := deployment("named", "      containers: [{name: istio-proxy, image: 'nginx:1.27.3'}]\n")
	_, err = asDev(named, "apply", "-n", "team-mesh", "-f", "-")
	denied(t, "a container named istio-proxy", err, "[mesh-sidecar]", "reserved for the mesh sidecar")
	if strings.Contains(err.Error(), "Duplicate value") {
		t.Errorf("the API server's error reached the user: %v", err)
	}
}

// Finding 7: an exception for a name covers that workload and the pods its
// controllers make, never a workload that borrows the name in a label.
func TestTeamMemberCannotBorrowAnException(t *testing.T) {
	teamNamespace(t, "team-ex")
	ex := `apiVersion: pave.dev/v1alpha1
kind: PolicyException
metadata: {name: node-agent, namespace: pave-system}
spec:
  rules: [pss/privileged, pss/allowPrivilegeEscalation]
  match: {namespaces: [team-ex], names: [node-agent]}
  reason: the node agent reads host metrics
  approvedBy: security@example.com
  expiresAt: "2099-01-01T00:00:00Z"
`
	if _, err := s.kubectl("create", "namespace", "pave-system"); err != nil && !strings.Contains(err.Error(), "AlreadyExists") {
		t.Fatal(err)
	}
	if _, err := s.kubectlIn(ex, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "policyexception", "-n", "pave-system", "node-agent", "--ignore-not-found")
	})
	privileged := "      containers: [{name: app, image: 'nginx:1.27.3', readinessProbe: {httpGet: {path: /, port: 80}}, securityContext: {privileged: true}}]\n"
	borrow := strings.Replace(deployment("sneaky", privileged), "metadata: {name: sneaky}", "metadata: {name: sneaky, labels: {app.kubernetes.io/name: node-agent}}", 1)
	eventually(t, 30*time.Second, func() error { // the exception reaches pave's cache
		out, err := combinedKubectl("--as", dev, "apply", "--dry-run=server", "-n", "team-ex", "-f", writeTemp(t, deployment("node-agent", privileged)))
		if err != nil || !strings.Contains(out, "waived by PolicyException pave-system/node-agent") {
			return fmt.Errorf("exception not in force: %s %v", out, err)
		}
		return nil
	})
	_, err := asDev(borrow, "apply", "-n", "team-ex", "-f", "-")
	denied(t, "a workload that borrows the excepted name in a label", err, "[pss/privileged]")
	absent(t, "team-ex", "deployment", "sneaky")
	if _, err := asDev(deployment("node-agent", privileged), "apply", "-n", "team-ex", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	// Its pods, made by the ReplicaSet controller, are covered too.
	eventually(t, 60*time.Second, func() error {
		pods := getJSON(t, "-n", "team-ex", "pods", "-l", "app=node-agent")
		if items, _ := pods["items"].([]any); len(items) == 0 {
			return errors.New("no node-agent pods: " + events("team-ex"))
		}
		return nil
	})
}

// Finding 8: literal secrets under common names, in args, and by shape.
func TestTeamMemberLiteralSecrets(t *testing.T) {
	teamNamespace(t, "team-secrets")
	cases := map[string]string{
		"camelCase env":      "      containers: [{name: app, image: 'nginx:1.27.3', env: [{name: dbPassword, value: hunter2}]}]\n",
		"abbreviation":       "      containers: [{name: app, image: 'nginx:1.27.3', env: [{name: GITHUB_PAT, value: hunter2}]}]\n",
		"flag in args":       "      containers: [{name: app, image: 'nginx:1.27.3', args: ['--db-password=hunter2']}]\n",
		"a script's default": "      containers: [{name: app, image: 'nginx:1.27.3', command: [sh, -c, 'DB_PASSWORD=${DB_PASSWORD:-hunter2} exec app']}]\n",
		// Finding 74: a setting inside a variable's value, a client's password.
		"JVM options":         "      containers: [{name: app, image: 'nginx:1.27.3', env: [{name: JAVA_OPTS, value: '-Xmx512m -Dspring.datasource.password=hunter2'}]}]\n",
		"a probe's command":   "      containers: [{name: app, image: 'nginx:1.27.3', readinessProbe: {exec: {command: [mysqladmin, ping, -u, root, -phunter2]}}}]\n",
		"a client's password": "      containers: [{name: app, image: 'nginx:1.27.3', command: [sh, -c, 'mysql -u root -phunter2 -h db']}]\n",
		"Spring's JSON":       "      containers: [{name: app, image: 'nginx:1.27.3', env: [{name: SPRING_APPLICATION_JSON, value: '{\"spring\":{\"datasource\":{\"password\":\"hunter2\"}}}'}]}]\n",
		// Finding 76: a password fed on standard input, or by its place.
		"a registry login's stdin": "      containers: [{name: app, image: 'nginx:1.27.3', command: [sh, -c, \"echo 'hunter2' | docker login -u bot --password-stdin reg.example.com\"]}]\n",
		"htpasswd -b":              "      containers: [{name: app, image: 'nginx:1.27.3', command: [sh, -c, 'htpasswd -b -c /etc/nginx/htpasswd admin hunter2']}]\n",
	}
	for name, spec := range cases {
		_, err := asDev(deployment("leaky", spec), "apply", "-n", "team-secrets", "-f", "-")
		denied(t, name, err, "[no-literal-secrets]")
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the denial repeats the secret", name)
		}
	}
	absent(t, "team-secrets", "deployment", "leaky")

	// What a script names by an expansion it does not hold: Flagger's
	// podinfo chart fetches its token so.
	script := "      containers: [{name: app, image: 'nginx:1.27.3', command: [sh, -c, 'TOKEN=$(curl -sd test svc/token) && curl -H \"Authorization: Bearer ${TOKEN}\" svc']}]\n"
	if out, err := asDev(deployment("scripted", script), "apply", "--dry-run=server", "-n", "team-secrets", "-f", "-"); err != nil {
		t.Errorf("a script that fetches its token was refused: %v\n%s", err, out)
	}
	// The usual CI login reads its password from a mounted Secret: the
	// registry's host after --password-stdin is not its value.
	login := "      containers: [{name: app, image: 'nginx:1.27.3', command: [sh, -c, 'cat /run/secrets/registry/password | docker login -u bot --password-stdin reg.example.com']}]\n"
	if out, err := asDev(deployment("login", login), "apply", "--dry-run=server", "-n", "team-secrets", "-f", "-"); err != nil {
		t.Errorf("a registry login from a mounted Secret was refused: %v\n%s", err, out)
	}
}

// Finding 9: when the object is wrong, pave says so with its rule and fix;
// the user never sees the API server blame a field pave added.
func TestPaveNeverBlamesFieldsItAdded(t *testing.T) {
	teamNamespace(t, "team-fields")
	legacy := strings.Replace(deployment("legacy", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"),
		"metadata: {labels: {app: legacy}}", "metadata: {labels: {app: legacy}, annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}}", 1)
	_, err := asDev(legacy, "apply", "-n", "team-fields", "-f", "-")
	denied(t, "the legacy seccomp annotation", err, "annotations[seccomp.security.alpha.kubernetes.io/pod]", "remove the annotation")
	if strings.Contains(err.Error(), "must match") {
		t.Errorf("the API server's error reached the user: %v", err)
	}

	plain := deployment("grow", "      containers: [{name: app, image: 'nginx:1.27.3'}]\n")
	if _, err := asDev(plain, "apply", "-n", "team-fields", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	privileged := deployment("grow", "      containers: [{name: app, image: 'nginx:1.27.3', securityContext: {privileged: true}}]\n")
	_, err = asDev(privileged, "apply", "-n", "team-fields", "-f", "-")
	denied(t, "privileged added to a stored Deployment", err, "[pss/privileged]")
	if strings.Contains(err.Error(), "allowPrivilegeEscalation to false and privileged to true") {
		t.Errorf("the API server's error reached the user: %v", err)
	}

	windows := deployment("win", "      os: {name: windows}\n      containers: [{name: app, image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022'}]\n")
	out, err := combinedKubectl("--as", dev, "apply", "--dry-run=server", "-n", "team-fields", "-f", writeTemp(t, windows))
	if err != nil && !strings.Contains(out, "pave denied") {
		t.Fatalf("a Windows pod got an error pave did not write: %s", out)
	}
	if strings.Contains(out, "windows pod") || strings.Contains(out, "numeric USER") {
		t.Errorf("Linux advice or a Linux-only field on a Windows pod: %s", out)
	}
}

// Finding 10: ReplicationControllers are governed; an explicit token mount
// is visible.
func TestTeamMemberSmallerFindings(t *testing.T) {
	teamNamespace(t, "team-small")
	rc := `apiVersion: v1
kind: ReplicationController
metadata: {name: old}
spec:
  selector: {app: old}
  template:
    metadata: {labels: {app: old}}
    spec: {containers: [{name: app, image: "nginx:latest"}]}
`
	_, err := asDev(rc, "apply", "-n", "team-small", "-f", "-")
	denied(t, "a ReplicationController with :latest", err, "[image-pinned] spec.template.spec.containers[0].image")
	absent(t, "team-small", "replicationcontroller", "old")

	token := deployment("token", "      automountServiceAccountToken: true\n      containers: [{name: app, image: 'nginx:1.27.3'}]\n")
	out, err := combinedKubectl("--as", dev, "apply", "--dry-run=server", "-n", "team-small", "-f", writeTemp(t, token))
	if err != nil {
		t.Fatal(out)
	}
	mustContain(t, out, "Warning: pave [service-account-token] spec.template.spec.automountServiceAccountToken")
}
