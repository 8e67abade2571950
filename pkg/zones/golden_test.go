package zones_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite testdata/*.yaml (review the diff)")

// Every target renders the example cluster; the files are reviewed by hand
// and read like the policy: who may call each workload, on which ports.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		file   string
		target v1alpha1.IsolationTarget
		mesh   v1alpha1.MeshMode
	}{
		{"networkpolicy.yaml", v1alpha1.IsolationNetworkPolicy, v1alpha1.MeshOff},
		{"networkpolicy-istio.yaml", v1alpha1.IsolationNetworkPolicy, v1alpha1.MeshIstio},
		{"ciliumnetworkpolicy.yaml", v1alpha1.IsolationCilium, v1alpha1.MeshOff},
		{"clusternetworkpolicy.yaml", v1alpha1.IsolationClusterNetworkPolicy, v1alpha1.MeshOff},
		{"off.yaml", v1alpha1.IsolationOff, v1alpha1.MeshOff},
	} {
		t.Run(c.file, func(t *testing.T) {
			got := render(t, buildExample(t, c.target, c.mesh))
			if again := render(t, buildExample(t, c.target, c.mesh)); !bytes.Equal(got, again) {
				t.Fatal("two renderings of the same cluster differ: the output is not stable")
			}
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs (go test ./pkg/zones -update, then review the diff):\n%s", path, got)
			}
		})
	}
}

func render(t *testing.T, ex example) []byte {
	t.Helper()
	var out []byte
	for _, o := range ex.objects {
		js, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		y, err := yaml.JSONToYAML(js)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, "---\n"...), y...)
	}
	if out == nil {
		out = []byte("# nothing: isolation is off\n")
	}
	return out
}
