package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// pave check knows offline which kinds are cluster-scoped, where kubectl asks
// discovery: every kind this API server serves, and every kind of the CRDs
// the modules of the APIs pave writes ship (most not installed here), is
// reported with the namespace the API server would give it: none for a
// cluster-scoped kind, the default one for a namespaced kind that names none.
func TestCheckKnowsTheScopeOfEveryKind(t *testing.T) {
	namespaced := map[string]bool{} // "apiVersion kind"
	out, err := s.kubectl("api-resources", "--no-headers")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line) // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND
		if len(f) < 4 {
			t.Fatalf("api-resources line %q", line)
		}
		namespaced[f[len(f)-3]+" "+f[len(f)-1]] = f[len(f)-2] == "true"
	}
	fromServer := len(namespaced)
	for _, dir := range crdDirs(t) {
		for gv, ns := range crdScopes(t, dir) {
			namespaced[gv] = ns
		}
	}
	t.Logf("%d kinds from discovery, %d from the modules' CRDs", fromServer, len(namespaced)-fromServer)

	var input strings.Builder
	for key := range namespaced {
		apiVersion, kind, _ := strings.Cut(key, " ")
		fmt.Fprintf(&input, "---\napiVersion: %s\nkind: %s\nmetadata: {name: scope-probe}\n", apiVersion, kind)
	}
	file := filepath.Join(t.TempDir(), "kinds.yaml")
	if err := os.WriteFile(file, []byte(input.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	js, _ := s.run(s.paveBin, "", "check", "-n", "probe", "-o", "json", "-f", file) // minimal workloads are denied
	var rep struct {
		Objects []struct{ APIVersion, Kind, Namespace string }
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("pave check: %v\n%s", err, js)
	}
	reported := map[string]string{}
	for _, o := range rep.Objects {
		reported[o.APIVersion+" "+o.Kind] = o.Namespace
	}
	for key, ns := range namespaced {
		got, ok := reported[key]
		want := map[bool]string{true: "probe", false: ""}[ns]
		switch {
		case !ok && !ns:
			t.Errorf("%s: cluster-scoped, and pave check did not report it", key)
		case ok && got != want:
			t.Errorf("%s: pave check reports namespace %q, the API server would store it in %q", key, got, want)
		}
	}
}

// crdDirs are where the modules of the APIs pave writes keep their CRDs.
func crdDirs(t *testing.T) []string {
	t.Helper()
	d, err := apiModuleDirs()
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{filepath.Join(s.root, "manifests", "crds"), filepath.Join(d[0], "kubernetes"), filepath.Join(d[1], "pkg", "k8s", "apis", "cilium.io", "client", "crds"),
		filepath.Join(d[2], "config", "crd"), filepath.Join(d[3], "config", "crd"), filepath.Join(d[4], "config", "crd"), filepath.Join(d[5], "config", "crds", "policyreport")}
	for mod, sub := range map[string]string{externalSecretsModule: "config/crds/bases", prometheusOperatorModule: "example/prometheus-operator-crd", certManagerModule: "deploy/crds"} {
		dir, err := moduleDir(mod)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, filepath.Join(dir, sub))
	}
	return dirs
}

// crdScopes reads the CRDs under dir: "apiVersion kind" of every served
// version, and whether the kind is namespaced.
func crdScopes(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
		for {
			var crd apiextensionsv1.CustomResourceDefinition
			if err := dec.Decode(&crd); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			for _, v := range crd.Spec.Versions {
				if v.Served {
					out[crd.Spec.Group+"/"+v.Name+" "+crd.Spec.Names.Kind] = crd.Spec.Scope == apiextensionsv1.NamespaceScoped
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no CRDs under %s", dir)
	}
	return out
}
