package engine_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/workload"
)

// TestCompanionInputsAreEnough holds workload.CompanionInputs, what pave's
// controller caches of a workload, to what the generators read: every
// golden case's admitted object (output.yaml, as the controller finds it)
// and its canary give the same companions cut as whole.
func TestCompanionInputsAreEnough(t *testing.T) {
	dirs := goldenDirs(t)
	generated := 0
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := loadCase(t, dir)
			js, err := yaml.YAMLToJSON(readFile(t, filepath.Join(dir, "output.yaml")))
			if err != nil {
				t.Fatal(err)
			}
			whole := decode(t, js)
			if whole.Meta.Namespace == "" {
				whole.Meta.Namespace = c.env.Namespace.Name
			}
			cut := whole.DeepCopy()
			workload.CompanionInputs(cut)
			cutEnv := c.env
			if c.env.Canary != nil {
				cutEnv.Canary = c.env.Canary.DeepCopy()
				workload.CompanionInputs(cutEnv.Canary)
			}
			ctx := context.Background()
			want, err := c.eng.Generate(ctx, whole, c.env)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.eng.Generate(ctx, cut, cutEnv)
			if err != nil {
				t.Fatal(err)
			}
			wantJS, _ := json.Marshal(want)
			gotJS, _ := json.Marshal(got)
			if d := cmp.Diff(string(wantJS), string(gotJS)); d != "" {
				t.Errorf("companions generated from the cut differ from the whole's (-whole +cut):\n%s", d)
			}
			generated += len(want)
		})
	}
	if generated < 50 {
		t.Fatalf("the golden cases generated %d companions: too few to say the cut is enough", generated)
	}
}
