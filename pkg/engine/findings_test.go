package engine_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

// Findings finds what Run finds, on the same mutated object, and describes
// no companions: the background audit and pave preflight read only findings.
func TestFindingsAreRunsWithoutCompanions(t *testing.T) {
	dirs := goldenDirs(t)
	admitted := 0
	for _, dir := range dirs {
		c := loadCase(t, dir)
		js, err := yaml.YAMLToJSON(c.input)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		ctx := context.Background()
		run, err := c.eng.Run(ctx, decode(t, js), c.env)
		if err != nil {
			t.Fatalf("%s: run: %v", dir, err)
		}
		judged, err := c.eng.Findings(ctx, decode(t, js), c.env)
		if err != nil {
			t.Fatalf("%s: findings: %v", dir, err)
		}
		if !reflect.DeepEqual(judged.Violations, run.Violations) || !reflect.DeepEqual(judged.Warnings, run.Warnings) {
			t.Errorf("%s: Findings found %v and %q, Run %v and %q", filepath.Base(dir), judged.Violations, judged.Warnings, run.Violations, run.Warnings)
		}
		if !reflect.DeepEqual(judged.Mutated.Object, run.Mutated.Object) {
			t.Errorf("%s: Findings and Run judged different objects", filepath.Base(dir))
		}
		if len(judged.Objects) > 0 {
			t.Errorf("%s: Findings described %d companions", filepath.Base(dir), len(judged.Objects))
		}
		if run.Allowed() && len(run.Objects) > 0 {
			admitted++
		}
	}
	if admitted == 0 {
		t.Error("no golden case admitted with companions: Findings' leaving them out is checked against nothing")
	}
}
