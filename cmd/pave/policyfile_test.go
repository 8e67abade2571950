package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A policy file is judged by pave's CRDs too: a bound the schema holds and
// pave's own validation does not repeat is refused as the API server would.
func TestPolicyFileJudgedByTheCRD(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.yaml")
	doc := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio, traffic: {outlierDetection: {maxEjectionPercent: 150}}}\n"
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "-f", "testdata/plain.yaml"}, {"explain"}} {
		r := pave(t, "", append(args, "--policy", file)...)
		r.must(t, 2)
		for _, want := range []string{file + ":1: PlatformPolicy default: the API server would refuse it", "spec.mesh.traffic.outlierDetection.maxEjectionPercent", "less than or equal to 100"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("pave %s: stderr lacks %q:\n%s", args[0], want, r.stderr)
			}
		}
	}
}
