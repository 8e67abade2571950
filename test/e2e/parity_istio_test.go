package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// istioModule ships Istio's injector test inputs (pkg/kube/inject/testdata/
// inject): workloads as teams write them, and each as Istio's injector
// completes it (.injected). Only these test files are read; pave links
// nothing of it. The module proxy serves this commit, not a release: no
// other module holds the injector's inputs.
const istioModule = "istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad"

// metadataNamespace is a namespace field under metadata, as Istio's inputs
// write it, and listKind a List's kind.
var (
	metadataNamespace = regexp.MustCompile(`(?m)^  namespace: \S+\n`)
	listKind          = regexp.MustCompile(`(?m)^kind: List\s*$`)
)

// With the mesh on, pave check agrees with admission on Istio's own injector
// inputs, and on what Istio's injector made of them: the peer's test
// resources of pave's mesh rules (the proxy, its wiring, the annotations
// that steer traffic around it, gateways, probes, host networking) and of
// every workload kind Istio injects. Each document is judged on its own in
// namespace "parity": the namespaces Istio's inputs name are dropped, for
// "default" among them must stay unlabelled for the other tests. Lists are
// left to TestCheckReadsListsAsKubectlSendsThem.
func TestCheckAgreesWithAdmissionOnIstiosInjectorInputs(t *testing.T) {
	root, err := moduleDir(istioModule)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "pkg", "kube", "inject", "testdata", "inject", "*"))
	if err != nil {
		t.Fatal(err)
	}
	const spec = "{mesh: {mode: istio}}"
	usePolicy(t, spec)
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: "+spec+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	namespace(t, "parity", map[string]string{"pave.dev/team": "parity"})
	cases := 0
	for _, f := range files {
		name := filepath.Base(f)
		if strings.Contains(name, ".iop.") {
			continue // an IstioOperator: Istio's own configuration for a case
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range strings.Split("\n"+string(data), "\n---") {
			if strings.TrimSpace(doc) == "" || listKind.MatchString(doc) {
				continue
			}
			doc = metadataNamespace.ReplaceAllString(doc, "")
			cases++
			c := name + "#" + strconv.Itoa(i)
			t.Run(c, func(t *testing.T) { agreesWithAdmission(t, dir, istioPrefix+c, doc, "--policy", policy) })
		}
	}
	if cases < 200 {
		t.Errorf("%d documents in Istio's injector inputs at %s, expected over 200: has the module moved them?", cases, root)
	}
}
