package e2e

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/internal/psafixtures"
)

// parityManifests are workloads and objects of every kind pave judges,
// compliant, fixable and hostile, written as people write them: without the
// fields the API server defaults (imagePullPolicy, protocol, restartPolicy),
// which admission sees filled in and pave check does not.
var parityManifests = map[string]string{
	"compliant deployment": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/shop/web:1.4.2
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
`,
	"bare deployment": `apiVersion: apps/v1
kind: Deployment
metadata: {name: bare}
spec:
  selector: {matchLabels: {app: bare}}
  template:
    metadata: {labels: {app: bare}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	"hostile deployment": `apiVersion: apps/v1
kind: Deployment
metadata: {name: miner}
spec:
  selector: {matchLabels: {app: miner}}
  template:
    metadata: {labels: {app: miner}}
    spec:
      hostNetwork: true
      containers:
      - name: miner
        image: busybox:latest
        env: [{name: DB_PASSWORD, value: hunter2}]
        securityContext: {privileged: true}
`,
	"pod without a tag": `apiVersion: v1
kind: Pod
metadata: {name: untagged}
spec:
  containers: [{name: app, image: nginx}]
`,
	"cronjob": `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: "registry.example.com/ops/backup:2.1.0"}]
`,
	"daemonset with a host path": `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      volumes: [{name: host, hostPath: {path: /var/log}}]
      containers:
      - name: agent
        image: registry.example.com/ops/agent:3.0.0
        volumeMounts: [{name: host, mountPath: /host}]
`,
	"job as root": `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext: {runAsUser: 0}
      containers: [{name: migrate, image: "registry.example.com/shop/migrate:1.0.0", securityContext: {runAsNonRoot: false}}]
`,
	"replicaset adding a capability": `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: netadmin}
spec:
  selector: {matchLabels: {app: netadmin}}
  template:
    metadata: {labels: {app: netadmin}}
    spec:
      containers:
      - name: app
        image: registry.example.com/ops/net:1.0.0
        securityContext: {capabilities: {add: [NET_ADMIN]}}
`,
	"replicationcontroller with a host port": `apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/legacy:0.9.1
        ports: [{containerPort: 80, hostPort: 8080}]
`,
	"statefulset unconfined": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      securityContext: {seccompProfile: {type: Unconfined}, sysctls: [{name: kernel.msgmax, value: "65536"}]}
      containers:
      - name: db
        image: registry.example.com/data/db:15.4
        securityContext: {allowPrivilegeEscalation: true}
`,
	"privileged init container, host PID, NFS": `apiVersion: apps/v1
kind: Deployment
metadata: {name: tangled}
spec:
  selector: {matchLabels: {app: tangled}}
  template:
    metadata:
      labels: {app: tangled}
      annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
    spec:
      hostPID: true
      volumes: [{name: share, nfs: {server: nfs.example.com, path: /exports}}]
      initContainers: [{name: setup, image: "registry.example.com/ops/setup:1.0.0", securityContext: {privileged: true}}]
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        volumeMounts: [{name: share, mountPath: /share}]
        readinessProbe: {tcpSocket: {port: 8080}}
`,
	"pod with a probe on a named port": `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /healthz, port: http}}
`,
	"image volume from anywhere": `apiVersion: apps/v1
kind: Deployment
metadata: {name: model}
spec:
  selector: {matchLabels: {app: model}}
  template:
    metadata: {labels: {app: model}}
    spec:
      volumes: [{name: weights, image: {reference: "evil.example.net/weights:latest"}}]
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        volumeMounts: [{name: weights, mountPath: /weights}]
        readinessProbe: {tcpSocket: {port: 8080}}
`,
	// The API server makes a volume without a source an emptyDir, and a
	// Pod's host ports its container ports on the host's network, before
	// admission: pave check judges them so.
	"pod with a volume without a source": `apiVersion: v1
kind: Pod
metadata: {name: scratch}
spec:
  volumes: [{name: scratch}]
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    volumeMounts: [{name: scratch, mountPath: /scratch}]
    readinessProbe: {tcpSocket: {port: 8080}}
`,
	"pod on the host's network": `apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    ports: [{containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}}
`,
	// A name the API server refuses before admission, pave check refuses
	// in its words.
	"deployment with an underscore in its name": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web_app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]
`,
	"cronjob with a name too long for its jobs": `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-reconciliation-of-the-payments-ledger-of-shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: job, image: registry.example.com/shop/job:1.0.0}]
`,
	"statefulset with a dot in its name": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db.primary}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: registry.example.com/shop/db:16.4}]
`,
	// The webhooks never match the control plane's namespaces: what would
	// be denied anywhere else is admitted there, and pave check says so.
	"host-network daemonset in kube-system": `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: kube-system
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: nginx, securityContext: {privileged: true}}]
`,
	"service of type NodePort": `apiVersion: v1
kind: Service
metadata: {name: exposed}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
`,
}

// ruleInDenial and ruleInWarning pick the rules out of what kubectl prints:
// the denial's "- [rule] field" lines and the "Warning: pave [rule]" lines.
var (
	ruleInDenial   = regexp.MustCompile(`(?m)^\s*- \[([a-zA-Z0-9/_.-]+)\] `)
	ruleInWarning  = regexp.MustCompile(`Warning: pave \[([a-zA-Z0-9/_.-]+)\]`)
	nonWord        = regexp.MustCompile(`\W+`)
	namespaceField = regexp.MustCompile(`(?m)^  namespace: (\S+)$`)
	unknownField   = regexp.MustCompile(`(unknown field "[^"]+")`)
	invalid        = regexp.MustCompile(` is invalid: (.+): the API server refuses it before admission$`)
)

// pave check is the same engine offline: on each manifest it allows what
// admission allows and denies what admission denies, for the same enforced
// rules, and warns of the same rules, although admission judges the object
// after the API server has defaulted it and pave check applies only the
// defaults its rules read. Where the API server's strict field validation
// refuses a manifest first, pave check names the same unknown fields.
func TestCheckAgreesWithAdmission(t *testing.T) {
	namespace(t, "parity", map[string]string{"pave.dev/team": "parity"})
	dir := t.TempDir()
	manifests := maps.Clone(parityManifests)
	// The engine's golden cases that need no policy, namespace labels or
	// cluster objects of their own (those compare the CLI's path with the
	// webhook's in process).
	for _, g := range []string{"bare-deployment", "cronjob", "hostile-deployment", "plain-deployment", "pod-from-replicaset", "slo-out-of-bounds", "unknown-fields-kept"} {
		manifests["golden "+g] = readFile(t, filepath.Join(s.root, "pkg", "engine", "testdata", "golden", g, "input.yaml"))
	}
	// The Kubernetes project's own Pod Security fixtures of the restricted
	// level (the policy's): pods written as the API server reads them.
	fixtures, err := psafixtures.Files("restricted")
	if err != nil {
		t.Fatal(err)
	}
	for verdict, files := range fixtures {
		for _, f := range files {
			doc, err := psafixtures.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			manifests[fixturePrefix+verdict+" "+strings.TrimSuffix(filepath.Base(f), ".yaml")] = doc
		}
	}
	for name, manifest := range manifests {
		t.Run(name, func(t *testing.T) { agreesWithAdmission(t, dir, name, manifest) })
	}
}

// agreesWithAdmission holds pave check's verdict on one manifest to a
// server-side dry run's, in the namespace the manifest names or "parity".
func agreesWithAdmission(t *testing.T, dir, name, manifest string) {
	file := filepath.Join(dir, nonWord.ReplaceAllString(name, "-")+".yaml") // kubectl -f splits at commas
	if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	ns := "parity"
	if m := namespaceField.FindStringSubmatch(manifest); m != nil {
		ns = m[1]
		namespace(t, ns, map[string]string{"pave.dev/team": "parity"})
	}
	js, _ := s.run(s.paveBin, "", "check", "-n", ns, "--namespace-labels", "pave.dev/team=parity", "-o", "json", "-f", file)
	var rep struct {
		Objects []struct {
			Allowed       bool
			Violations    []struct{ Rule, Mode string }
			UnknownFields []string
		}
		Errors []string
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("pave check: %v\n%s", err, js)
	}
	if len(rep.Objects) == 0 && len(rep.Errors) == 1 && invalid.MatchString(rep.Errors[0]) {
		// pave check found what the API server refuses before admission:
		// the dry run must refuse it for the same field, in the same words.
		why := invalid.FindStringSubmatch(rep.Errors[0])[1]
		if out, err := combinedKubectl("create", "--dry-run=server", "-n", ns, "-f", file); err == nil || !strings.Contains(out, why) {
			t.Errorf("pave check: %s\nkubectl (error %v): %s", rep.Errors[0], err, out)
		}
		return
	}
	if len(rep.Objects) != 1 {
		t.Fatalf("pave check: %s", js)
	}
	checked := rep.Objects[0]

	out, err := combinedKubectl("create", "--dry-run=server", "-n", ns, "-f", file)
	if err != nil && strings.Contains(out, "strict decoding error") {
		// kubectl's strict field validation refused it before
		// admission: pave check names the same fields. Then judge
		// what the API server takes without them.
		if want := rules(unknownField, out); !slices.Equal(sorted(checked.UnknownFields), want) {
			t.Errorf("the API server refuses the fields %q, pave check names %q", want, checked.UnknownFields)
		}
		out, err = combinedKubectl("create", "--dry-run=server", "--validate=false", "-n", ns, "-f", file)
	} else if len(checked.UnknownFields) > 0 {
		t.Errorf("pave check names unknown fields %q the API server took: %s", checked.UnknownFields, out)
	}
	admitted := err == nil
	if !admitted && strings.HasPrefix(name, fixturePrefix) && strings.Contains(out, " is invalid: ") {
		// Written for the library's checks, not all are valid Pods
		// (procMount Unmasked without hostUsers: false).
		t.Skipf("the API server refuses the fixture as invalid, before admission: %s", out)
	}
	var admissionDenies []string
	if !admitted {
		admissionDenies = rules(ruleInDenial, out)
		if len(admissionDenies) == 0 {
			t.Fatalf("refused, but not by pave: %s", out)
		}
	}
	admissionWarns := rules(ruleInWarning, out)

	var checkDenies, checkWarns []string
	for _, v := range checked.Violations {
		if v.Mode == "enforce" {
			checkDenies = append(checkDenies, v.Rule)
		} else {
			checkWarns = append(checkWarns, v.Rule)
		}
	}
	checkDenies, checkWarns = sorted(checkDenies), sorted(checkWarns)
	if checked.Allowed != admitted || !slices.Equal(checkDenies, admissionDenies) {
		t.Errorf("admission: admitted %v, denied for %v\npave check: allowed %v, denies for %v\nkubectl said: %s",
			admitted, admissionDenies, checked.Allowed, checkDenies, out)
	}
	if admitted && !slices.Equal(checkWarns, admissionWarns) {
		t.Errorf("admission warns of %v, pave check of %v", admissionWarns, checkWarns)
	}
}

// fixturePrefix names the parity cases that are Pod Security fixtures.
const fixturePrefix = "pod security "

// sorted is s without repeats, sorted.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// rules are the distinct names re finds in s, sorted.
func rules(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return sorted(out)
}
