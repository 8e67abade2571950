package validators_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The detector's false positives, measured on every workload in the repo's
// examples and test data: only the files written to be hostile may hold a
// literal secret, and each of those must be found.
func TestLiteralSecretsOnTheRepoCorpus(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../examples/*.yaml", "../../cmd/pave/testdata/*.yaml", "../../test/e2e/testdata/*.yaml",
		"../engine/testdata/golden/*/input.yaml", "../spec/testdata/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	workloads, flagged := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		hostile := strings.Contains(f, "hostile")
		found := false
		for _, doc := range manifest.Split(f, data) {
			objs, err := manifest.Decode(doc)
			if err != nil {
				continue // not Kubernetes objects (service specs, broken inputs)
			}
			for _, o := range objs {
				w, err := workload.FromJSON(o.APIVersion, o.Kind, o.JSON)
				if err != nil || w == nil {
					continue
				}
				workloads++
				vs := validators.LiteralSecrets{}.Validate(context.Background(), w, workloadtest.Env())
				if len(vs) > 0 {
					flagged++
					found = true
				}
				if len(vs) > 0 && !hostile {
					t.Errorf("%s: false positive: %s %s", f, vs[0].Field, vs[0].Message)
				}
			}
		}
		if hostile && !found {
			t.Errorf("%s: the hostile file's literal secret was missed", f)
		}
	}
	t.Logf("%d workloads in %d files, %d flagged (all in hostile files)", workloads, len(files), flagged)
	if workloads < 20 {
		t.Fatalf("only %d workloads found: the corpus globs are stale", workloads)
	}
}
