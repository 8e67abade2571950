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

	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/pave-dev/pave/internal/psafixtures"
)

// ruleInDenial and ruleInWarning pick the rules out of what kubectl prints:
// the denial's "- [rule] field" lines and the "Warning: pave [rule]" lines.
var (
	ruleInDenial    = regexp.MustCompile(`(?m)^\s*- \[([a-zA-Z0-9/_.-]+)\] `)
	ruleInWarning   = regexp.MustCompile(`Warning: pave \[([a-zA-Z0-9/_.-]+)\]`)
	nonWord         = regexp.MustCompile(`\W+`)
	namespaceField  = regexp.MustCompile(`(?m)^  namespace: (\S+)$`)
	apiVersionField = regexp.MustCompile(`(?m)^apiVersion: (\S+)$`)
	unknownField    = regexp.MustCompile(`(unknown field "[^"]+")`)
	invalid         = regexp.MustCompile(` is invalid: (.+): the API server refuses it (?:before|after mutating) admission$`)
	forbidden       = regexp.MustCompile(` is forbidden: (.+): the API server's \w+ admission refuses it before any webhook$`)
	unserved        = regexp.MustCompile(`(no matches for kind "[^"]+" in version "[^"]+")`)
	undecodable     = regexp.MustCompile(`(cannot be handled as a \w+: no kind "[^"]+" is registered for version "[^"]+")`)
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
	// ConfigMaps the API server refuses for their data: pave check must
	// refuse them too, in its words, or CI passes what the deploy fails.
	big := strings.Repeat("x", 512*1024)
	for name, data := range map[string]string{
		"configmap":                    "{app.properties: a=1, .env: B=2}",
		"configmap of 1 MiB":           "{a: " + big + ", b: " + big + "}",
		"configmap over 1 MiB":         "{a: " + big + ", b: " + big + "x}",
		"configmap key with a space":   "{my key: v}",
		"configmap key in binary data": "{a: v}\nbinaryData: {a: dg==}",
	} {
		manifests[name] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: " + data + "\n"
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
// check are more arguments for pave check (the policy the cluster runs,
// where it is not the built-in one).
func agreesWithAdmission(t *testing.T, dir, name, manifest string, check ...string) {
	file := filepath.Join(dir, nonWord.ReplaceAllString(name, "-")+".yaml") // kubectl -f splits at commas
	if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	ns := "parity"
	if m := namespaceField.FindStringSubmatch(manifest); m != nil {
		ns = m[1]
		namespace(t, ns, map[string]string{"pave.dev/team": "parity"})
	}
	js, _ := s.run(s.paveBin, "", append([]string{"check", "-n", ns, "--namespace-labels", "pave.dev/team=parity", "-o", "json", "-f", file}, check...)...)
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
	if len(rep.Objects) == 0 && len(rep.Errors) == 1 {
		// pave check found what the API server refuses before admission,
		// or before validating admission (or kubectl before sending): the
		// dry run must refuse it for the same field, in the same words.
		var m []string
		for _, re := range []*regexp.Regexp{invalid, forbidden, unserved, undecodable} {
			if m = re.FindStringSubmatch(rep.Errors[0]); m != nil {
				break
			}
		}
		if m == nil {
			t.Fatalf("pave check: %s", js)
		}
		if out, err := combinedKubectl("create", "--dry-run=server", "-n", ns, "-f", file); err == nil || !sameRefusal(m[1], out) {
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
	if !admitted && peerInput(name) && strings.Contains(out, " is invalid: ") {
		// Written for the peers' own checks, not all are valid objects
		// (procMount Unmasked without hostUsers: false; a Deployment of
		// Istio's proxy alone, with no containers): pave check leaves
		// most of the API server's validation to it (decisions.md).
		t.Skipf("the API server refuses the peer's input as invalid, before admission: %s", out)
	}
	if !admitted && peerInput(name) && !builtInGroup(manifest) && unserved.MatchString(out) {
		// A custom resource of a project this cluster lacks (OpenShift's
		// DeploymentConfig): pave check cannot know a cluster's CRDs.
		t.Skipf("the cluster does not serve the kind: %s", out)
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

// sameRefusal reports whether kubectl's refusal out gives the reason why
// pave check gave. kubectl prints one reason after the object's name, or
// several as "* " lines, which pave check joins as "[a, b]".
func sameRefusal(why, out string) bool {
	var reasons []string
	for _, line := range strings.Split(out, "\n") {
		if r, ok := strings.CutPrefix(strings.TrimSpace(line), "* "); ok {
			reasons = append(reasons, r)
		}
	}
	if len(reasons) == 0 {
		return strings.Contains(out, why)
	}
	return why == "["+strings.Join(reasons, ", ")+"]"
}

// fixturePrefix names the parity cases that are Pod Security fixtures, and
// istioPrefix those that are Istio's injector inputs.
const (
	fixturePrefix = "pod security "
	istioPrefix   = "istio "
)

// builtInGroup reports whether the manifest's apiVersion is of an API group
// of Kubernetes' own, whose kinds pave check knows.
func builtInGroup(manifest string) bool {
	m := apiVersionField.FindStringSubmatch(manifest)
	if m == nil {
		return false
	}
	gv, err := schema.ParseGroupVersion(m[1])
	return err == nil && clientgoscheme.Scheme.IsGroupRegistered(gv.Group)
}

// peerInput reports whether the parity case is another project's test input.
func peerInput(name string) bool {
	return strings.HasPrefix(name, fixturePrefix) || strings.HasPrefix(name, istioPrefix)
}

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
