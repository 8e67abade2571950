package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run that finds no object in its inputs checked nothing: kubectl calls
// that an error ("no objects passed to apply"), and so does pave check, so
// a CI job fed a chart that renders nothing does not pass. One empty file
// beside a manifest is not an error: kubectl applies the manifest.
func TestCheckWithNoObjectIsAnInputError(t *testing.T) {
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.yaml")
	if err := os.WriteFile(blank, []byte("# rendered nothing\n---\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		in    string
	}{
		{"", []string{"check", "-f", blank}, "no objects in " + blank + ": nothing was checked"},
		{"", []string{"check", "-f", "-"}, "no objects in standard input"},
		{"apiVersion: v1\nkind: List\nitems: []\n", []string{"check", "-f", "-", "-o", "json"}, "no objects in standard input"},
	} {
		r := pave(t, c.stdin, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr+r.stdout, c.in) || !strings.Contains(r.stderr+r.stdout, "no objects passed to apply") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, r.code, r.stdout, r.stderr, c.in)
		}
	}
	r := pave(t, "", "check", "-f", blank, "-f", "testdata/plain.yaml")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "no objects") {
		t.Errorf("an empty file beside a manifest: exit %d, stdout %q, stderr %q; want 0", r.code, r.stdout, r.stderr)
	}
}
