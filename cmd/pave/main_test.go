package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

type result struct {
	code           int
	stdout, stderr string
}

func pave(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func (r result) must(t *testing.T, code int, inStdout ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range inStdout {
		if !strings.Contains(r.stdout, s) {
			t.Fatalf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
}

func TestRenderSeed(t *testing.T) {
	r := pave(t, "", "render", "-f", "../../pkg/spec/testdata/seed.yaml")
	r.must(t, 0, "kind: Deployment", "kind: Service", "image: our-registry/payment:latest")
	if !strings.Contains(r.stderr, "would be denied: image-pinned") {
		t.Fatalf("no early warning about the latest tag: %s", r.stderr)
	}
}

func TestRenderBadSpec(t *testing.T) {
	r := pave(t, "services:\n  web:\n    image: x:1\n    memory: much\n", "render", "-f", "-")
	r.must(t, 2)
	if !strings.Contains(r.stderr, `-:4: service "web": field memory:`) {
		t.Fatalf("stderr: %s", r.stderr)
	}
	pave(t, "", "render").must(t, 2)
}

// A plain rendered Deployment comes out of admission compliant.
func TestRenderThenCheckIsClean(t *testing.T) {
	rendered := pave(t, "", "render", "-f", "../../examples/services.yaml")
	rendered.must(t, 0)
	r := pave(t, rendered.stdout, "check", "-f", "-")
	r.must(t, 0, "Deployment default/payment-service  ok", "0 denied")
}

func TestCheckVerdicts(t *testing.T) {
	pave(t, "", "check", "-f", "testdata/plain.yaml").must(t, 0, "allowed with findings", "readiness-probe")
	r := pave(t, "", "check", "-f", "testdata/hostile.yaml")
	r.must(t, 1, "DENIED", "image-pinned", "spec.template.spec.containers[0].image", "pss/privileged",
		"spec.template.spec.containers[0].securityContext.privileged", "no-literal-secrets", "fix: ")
	pave(t, "", "check", "-f", "testdata/plain.yaml", "--fail-on", "warn").must(t, 1)
	pave(t, "", "check", "-f", "testdata/list.yaml").must(t, 1, "Pod default/ok  ok", "Pod default/root  DENIED", "pss/runAsUser")
	// The summary counts what pave judged, not workloads only: the ConfigMap
	// and the Service beside the Deployment too.
	pave(t, "", "check", "-f", "testdata/mixed.yaml").must(t, 0, "3 objects, 3 judged: 0 denied, 0 with warnings; 0 input errors")
}

// The summary's count of warned objects is what `--fail-on warn` fails on:
// an unknown field, which kubectl refuses, counts as a warning finding does.
func TestCheckSummaryCountsWhatFailOnWarnFails(t *testing.T) {
	stdin := `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
datta: {a: b}
`
	pave(t, stdin, "check", "-f", "-").must(t, 0, "1 objects, 1 judged: 0 denied, 1 with warnings; 0 input errors")
	pave(t, stdin, "check", "-f", "-", "--fail-on", "warn").must(t, 1)
	pave(t, "", "check", "-f", "testdata/plain.yaml").must(t, 0, "0 denied, 1 with warnings")

	// JUnit's failures are the objects that fail the run, so a CI system's
	// test report agrees with the exit code.
	for _, c := range []struct {
		args     []string
		code     int
		failures int
	}{
		{nil, 0, 0},
		{[]string{"--fail-on", "warn"}, 1, 2},
	} {
		r := pave(t, stdin, append([]string{"check", "-f", "-", "-f", "testdata/plain.yaml", "-o", "junit"}, c.args...)...)
		r.must(t, c.code)
		doc := readJUnit(t, r.stdout)
		if doc.Failures != c.failures {
			t.Fatalf("%v: %d failures, want %d:\n%s", c.args, doc.Failures, c.failures, r.stdout)
		}
		if c.failures > 0 {
			cases := doc.Suites[0].Cases
			if !strings.Contains(cases[0].Failure.Text, `unknown field "datta"`) || !strings.Contains(cases[1].Failure.Text, "readiness-probe") {
				t.Fatalf("failures do not say what warned:\n%s", r.stdout)
			}
		}
	}
}

func TestCheckBadInputDoesNotStopTheRest(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/broken.yaml", "-f", "testdata/notk8s.yaml", "-f", "testdata/mixed.yaml", "-f", "testdata/nope.yaml")
	r.must(t, 2, "Deployment default/api  ok", "ConfigMap default/settings  ok", "3 input errors")
	for _, want := range []string{"testdata/broken.yaml:5: invalid YAML: yaml: line 5", "testdata/notk8s.yaml:2: not a Kubernetes object", "testdata/nope.yaml"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("errors lack %q:\n%s", want, r.stdout)
		}
	}
}

// An object the API server names (generateName) is reported by its prefix,
// as the webhook reports it, in YAML, in a JSON List and in an input error.
func TestCheckNamesAnObjectByItsGenerateName(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {generateName: perf-, namespace: shop}\nspec:\n  containers: [{name: c, image: registry.example.com/c:1.0, ports: [{containerPort: %s}]}]\n"
	r := pave(t, fmt.Sprintf(pod, "80"), "check", "-f", "-")
	r.must(t, 0, "Pod shop/perf-  allowed")
	r = pave(t, fmt.Sprintf(pod, `"80"`), "check", "-f", "-")
	r.must(t, 2, "Pod perf-: decode Pod: json: cannot unmarshal string")
	list := `{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "settings-"}}]}`
	r = pave(t, list, "check", "-f", "-", "-o", "json")
	r.must(t, 0, `"name": "",`, `"generateName": "settings-",`)
}

func TestCheckDirectoryRecursive(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata", "-o", "json")
	var doc struct {
		Summary struct{ Objects, Denied, InputErrors int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if r.code != 2 || doc.Summary.InputErrors != 2 || doc.Summary.Denied != 2 || doc.Summary.Objects != 8 { // 7 manifests and the policy file, skipped
		t.Fatalf("exit %d summary %+v", r.code, doc.Summary)
	}
}

func TestCheckJSON(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/hostile.yaml", "-o", "json")
	r.must(t, 1)
	var doc struct {
		Objects []struct {
			File       string
			Line       int
			Allowed    bool
			Violations []struct{ Rule, Field, Fix, Mode string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	o := doc.Objects[0]
	if o.Allowed || o.Line != 2 || o.File != "testdata/hostile.yaml" || len(o.Violations) < 5 || o.Violations[0].Fix == "" {
		t.Fatalf("%+v", o)
	}
	if strings.Contains(r.stdout, "fieldLines") {
		t.Error("fieldLines without --field-lines: each object was parsed again unasked")
	}
}

// --field-lines gives each finding's field its line: in the JSON, and in
// the table as file:line after the field, which it leaves out unasked.
func TestCheckFieldLines(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/hostile.yaml", "-o", "json", "--field-lines")
	r.must(t, 1)
	var doc struct {
		Objects []struct{ FieldLines map[string]int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Objects[0].FieldLines["spec.template.spec.containers[0].securityContext.runAsUser"]; got != 23 {
		t.Errorf("runAsUser at line %d, want 23: %v", got, doc.Objects[0].FieldLines)
	}
	const runAsUser = "spec.template.spec.containers[0].securityContext.runAsUser  testdata/hostile.yaml:23\n"
	table := pave(t, "", "check", "-f", "testdata/hostile.yaml", "--field-lines")
	table.must(t, 1)
	if !strings.Contains(table.stdout, runAsUser) {
		t.Errorf("the table with --field-lines does not locate runAsUser at line 23:\n%s", table.stdout)
	}
	if plain := pave(t, "", "check", "-f", "testdata/hostile.yaml"); strings.Contains(plain.stdout, "hostile.yaml:23") {
		t.Errorf("the table located a finding unasked:\n%s", plain.stdout)
	}
}

// junitReport is what the tests read of pave check's JUnit.
type junitReport struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, out string) junitReport {
	t.Helper()
	var doc junitReport
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("junit is not XML: %v\n%s", err, out)
	}
	return doc
}

func TestCheckJUnitIsXML(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/hostile.yaml", "-f", "testdata/mixed.yaml", "-o", "junit")
	r.must(t, 1)
	doc := readJUnit(t, r.stdout)
	if doc.Tests != 4 || doc.Failures != 1 || !strings.Contains(doc.Suites[0].Cases[0].Failure.Text, "pss/privileged") {
		t.Fatalf("%+v", doc)
	}
}

func TestCheckSARIFMatchesSchema(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/hostile.yaml", "-f", "testdata/list.yaml", "-o", "sarif")
	r.must(t, 1)
	log, err := sarif.FromString(r.stdout, sarif.WithStrictValidation())
	if err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %s runs %d", log.Version, len(log.Runs))
	}
	var at []string
	for _, res := range log.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		if *res.RuleID == "pss/runAsUser" {
			at = append(at, fmt.Sprintf("%s:%d", *loc.ArtifactLocation.URI, *loc.Region.StartLine))
		}
	}
	// At the field's line: the hostile Deployment's runAsUser, and the root
	// pod's container (the List's second item), which writes it in its flow.
	if strings.Join(at, " ") != "testdata/hostile.yaml:23 testdata/list.yaml:13" {
		t.Fatalf("pss/runAsUser results at %v", at)
	}
}

// What the table and JUnit say beside the violations is in the SARIF too: an
// unknown field as a warning at its line, a broken input as an error
// notification of an unsuccessful run, never as a clean file.
func TestCheckSARIFCarriesNotesAndInputErrors(t *testing.T) {
	stdin := `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}], selectr: {app: web}}
`
	r := pave(t, stdin, "check", "-f", "-", "-f", "testdata/broken.yaml", "-o", "sarif")
	r.must(t, 2)
	log, err := sarif.FromString(r.stdout, sarif.WithStrictValidation())
	if err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v\n%s", err, r.stdout)
	}
	run := log.Runs[0]
	var unknown []string
	for _, res := range run.Results {
		if *res.RuleID == "pave/unknown-field" {
			unknown = append(unknown, fmt.Sprintf("%d %s", *res.Locations[0].PhysicalLocation.Region.StartLine, *res.Message.Text))
		}
	}
	if len(unknown) != 1 || !strings.HasPrefix(unknown[0], "4 Service default/web: unknown field \"spec.selectr\"") { // at the field's line
		t.Fatalf("unknown-field results %q", unknown)
	}
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful == nil || *run.Invocations[0].ExecutionSuccessful {
		t.Fatalf("a run with a broken input is not successful: %+v", run.Invocations)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) != 1 || notes[0].Level != "error" || *notes[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "testdata/broken.yaml" {
		t.Fatalf("input errors: %+v", notes)
	}
}

func TestCheckRenderIsIdempotentThroughTheCLI(t *testing.T) {
	first := pave(t, "", "check", "-f", "testdata/mixed.yaml", "--render")
	first.must(t, 0, "runAsNonRoot: true", "kind: ConfigMap", "kind: Service")
	if !strings.Contains(first.stderr, "Deployment default/api  ok") {
		t.Fatalf("with --render the report goes to stderr: %s", first.stderr)
	}
	second := pave(t, first.stdout, "check", "-f", "-", "--render")
	second.must(t, 0)
	if first.stdout != second.stdout {
		t.Fatalf("checking the rendered output changed it again:\n%s\n---\n%s", first.stdout, second.stdout)
	}
	if strings.Contains(second.stderr, "mutated by") {
		t.Fatalf("mutators ran on already-mutated output: %s", second.stderr)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	pave(t, "", "check").must(t, 2)
	pave(t, "", "check", "-f", "testdata/plain.yaml", "-o", "xml").must(t, 2)
	pave(t, "", "check", "-f", "testdata/plain.yaml", "--fail-on", "audit").must(t, 2)
	pave(t, "", "check", "-f", "testdata/plain.yaml", "--policy", "testdata/nope.yaml").must(t, 2)
	pave(t, "", "check", "-f", "testdata/plain.yaml", "--now", "yesterday").must(t, 2)
	pave(t, "", "nonsense").must(t, 2)
	// A namespace no namespace can be named checks nothing: kubectl -n
	// Shop would be refused for every object.
	if r := pave(t, "", "check", "-f", "testdata/plain.yaml", "-n", "Shop"); r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, `--namespace: no namespace can be named "Shop"`) {
		t.Errorf("-n Shop: exit %d, stdout %q, stderr %q; want 2 and the flag's error only", r.code, r.stdout, r.stderr)
	}
}

func TestCheckNamespaceLabels(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/plain.yaml", "--namespace-labels", "pave.dev/team=web")
	r.must(t, 0)
	if strings.Contains(r.stdout, "required-labels") {
		t.Fatalf("team from the namespace not used: %s", r.stdout)
	}
}

func TestExplainAndVersion(t *testing.T) {
	r := pave(t, "", "explain")
	r.must(t, 0, "1  defaults   resources", "5  platform   canary-track", "8  mesh       sidecar", "9  hardening  security-context", "and at creation: storage-class (PersistentVolumeClaim)", "and at creation and update: unhealthy-eviction (PodDisruptionBudget)", "pss/privileged",
		"namespace  tier-quota              ResourceQuota, LimitRange", "cluster    namespace-label-guard", "service-external-ips")
	if !regexp.MustCompile(`readiness-probe +warn +medium`).MatchString(r.stdout) {
		t.Fatalf("readiness-probe not listed as warn: %s", r.stdout)
	}
	pave(t, "", "version").must(t, 0, "pave dev")
}

// --render prints, after each workload, the companion objects the controller
// would keep beside it; the table lists them.
func TestCheckRenderPrintsCompanions(t *testing.T) {
	r := pave(t, "", "check", "-f", "testdata/mixed.yaml", "--policy", "testdata/mesh-policy.yaml", "--render")
	r.must(t, 0, "kind: PeerAuthentication", "kind: DestinationRule", "name: pave-api", "mode: ISTIO_MUTUAL", "kind: VirtualService", "name: istio-proxy")
	if !strings.Contains(r.stderr, "creates  DestinationRule default/pave-api") {
		t.Fatalf("the table does not list the companions: %s", r.stderr)
	}
}

// pave check judges an oversized pod template as admission does: pod-size,
// exit 1, whether the containers are counted before decoding (a large file)
// or after (a small one).
func TestCheckOversizedPod(t *testing.T) {
	for _, n := range []int{300, 5000} {
		var b strings.Builder
		b.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n    spec:\n      containers:\n")
		for i := range n {
			fmt.Fprintf(&b, "      - {name: c%d, image: 'nginx:1.27.3'}\n", i)
		}
		pave(t, b.String(), "check", "-f", "-").must(t, 1, "pod-size", fmt.Sprintf("has %d containers", n))
	}
}

// A namespace's objects are rendered once, however many of its workloads
// the input holds.
func TestRenderPrintsNamespaceObjectsOnce(t *testing.T) {
	rendered := pave(t, "", "render", "-f", "../../examples/services.yaml")
	rendered.must(t, 0)
	twice := rendered.stdout + "---\n" + strings.ReplaceAll(rendered.stdout, "payment-service", "billing-service")
	r := pave(t, twice, "check", "--render", "--policy", "testdata/mesh-policy.yaml", "-f", "-")
	if n := strings.Count(r.stdout, "kind: PeerAuthentication"); n != 1 {
		t.Fatalf("%d PeerAuthentications rendered, want 1:\n%s", n, r.stdout)
	}
	if n := strings.Count(r.stdout, "kind: DestinationRule"); n != 2 {
		t.Fatalf("%d DestinationRules rendered, want one per service", n)
	}
}

// pave check builds the environment as the cluster would: a Namespace in the
// input gives its labels, and a canary beside its stable is routed.
func TestCheckReadsNamespacesAndCanariesFromItsInput(t *testing.T) {
	rendered := pave(t, "", "render", "-f", "../../examples/services.yaml")
	rendered.must(t, 0)
	ns := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: {pave.dev/zone: restricted, pave.dev/team: payments}\n---\n"
	canary := strings.Replace(rendered.stdout, "\n  name: payment-service\n", "\n  name: payment-service-canary\n  annotations: {pave.dev/canary-of: payment-service, pave.dev/canary-weight: \"10\"}\n", 1)
	r := pave(t, ns+rendered.stdout+"---\n"+canary, "check", "--render", "--policy", "testdata/mesh-policy.yaml", "-f", "-")
	if !strings.Contains(r.stdout, "pave.dev/zone: restricted") {
		t.Errorf("the input's Namespace labels were not used:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "subset: canary") || !strings.Contains(r.stdout, "weight: 10") {
		t.Errorf("the canary beside its stable is not routed:\n%s", r.stdout)
	}
}

// pave check judges governed kinds without a pod template as admission does.
func TestCheckJudgesServices(t *testing.T) {
	svc := "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}], externalIPs: [8.8.8.8]}\n"
	pave(t, svc, "check", "-f", "-").must(t, 1, "service-external-ips", "spec.externalIPs")
	pave(t, strings.Replace(svc, ", externalIPs: [8.8.8.8]", "", 1), "check", "-f", "-").must(t, 0)
}

// Without a kubeconfig the live commands say where pave looked and what
// to do, as kubectl's users know it, not client-go's
// KUBERNETES_MASTER.
func TestLiveCommandsWithoutAKubeconfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HOME", t.TempDir())
	for _, args := range [][]string{{"preflight"}, {"audit", "summary"}} {
		r := pave(t, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "kubeconfig: none found (--kubeconfig, $KUBECONFIG, ~/.kube/config)") || strings.Contains(r.stderr, "KUBERNETES_MASTER") {
			t.Errorf("pave %v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
