package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// namespace creates a namespace with labels, as a platform team would.
func namespace(t *testing.T, name string, labels map[string]string) {
	t.Helper()
	var l []string
	for k, v := range labels {
		l = append(l, k+": "+v)
	}
	doc := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n  labels: {" + strings.Join(l, ", ") + "}\n"
	if _, err := s.kubectlIn(doc, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
}

// getJSON reads an object with kubectl get -o json.
func getJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := s.kubectl(append([]string{"get", "-o", "json"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("kubectl get %v: %v", args, err)
	}
	return m
}

// at walks a decoded JSON object by keys and list indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// eventually retries f until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", timeout, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// assertHardened checks what the mutating webhook adds to a pod spec.
func assertHardened(t *testing.T, what string, podSpec any) {
	t.Helper()
	checks := []struct {
		path []any
		want any
	}{
		{[]any{"securityContext", "runAsNonRoot"}, true},
		{[]any{"securityContext", "seccompProfile", "type"}, "RuntimeDefault"},
		{[]any{"automountServiceAccountToken"}, false},
		{[]any{"containers", 0, "securityContext", "allowPrivilegeEscalation"}, false},
		{[]any{"containers", 0, "securityContext", "capabilities", "drop", 0}, "ALL"},
	}
	for _, c := range checks {
		if got := at(podSpec, c.path...); got != c.want {
			t.Errorf("%s: %v = %v, want %v", what, c.path, got, c.want)
		}
	}
	if at(podSpec, "containers", 0, "resources", "limits", "memory") == nil {
		t.Errorf("%s: no memory limit", what)
	}
}

func mustContain(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("missing %q in:\n%s", w, s)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// usePolicy applies the PlatformPolicy with the given spec (one YAML flow
// mapping, e.g. "{secrets: {store: s}}") until the test ends.
func usePolicy(t *testing.T, spec string) {
	t.Helper()
	doc := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: " + spec + "\n"
	if _, err := s.kubectlIn(doc, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "platformpolicy", "default", "--ignore-not-found") })
}
