package main

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/audit"
)

// What pave check prints comes from manifests it has not admitted: a name,
// a container, an unknown field or a broken document must not be able to
// write escape sequences or lines of its own into a terminal or a CI log.
func TestCheckPrintsHostileInputEscaped(t *testing.T) {
	hostile := `apiVersion: apps/v1
kind: Deployment
metadata: {name: "web\e[2J", namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  "x\e[31m": 1
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: "app\u202e", image: "nginx\r::error::forged"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: "bad\e]0;title\a"}
spec: {replicas: "x"}
`
	for _, format := range []string{"table", "json"} {
		r := pave(t, hostile, "check", "-f", "-", "-o", format)
		if r.code == 0 {
			t.Fatalf("-o %s: exit 0 on a denied and a broken object", format)
		}
		for _, out := range []string{r.stdout, r.stderr} {
			if i := strings.IndexAny(out, "\x1b\a\r\u202e"); i >= 0 {
				t.Errorf("-o %s printed a control or formatting character raw: %q", format, out[max(0, i-30):min(len(out), i+30)])
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "::") {
					t.Errorf("-o %s: input wrote a line of its own: %q", format, line)
				}
			}
		}
	}
	table := pave(t, hostile, "check", "-f", "-")
	for _, want := range []string{`web\x1b[2J`, `app\u202e`, `bad\x1b]0;title\a`} {
		if !strings.Contains(table.stdout, want) {
			t.Errorf("the table does not show %s escaped:\n%s", want, table.stdout)
		}
	}
}

// pave audit prints user names as the authenticator gave them (a client
// certificate's common name is anything its issuer signed).
func TestAuditPrintsUserNamesEscaped(t *testing.T) {
	var out strings.Builder
	rows := []audit.Row{{Namespace: "shop", Kind: "Deployment", Name: "web", Rule: "image-pinned", Outcome: "deny", Count: 1,
		LastUser: "mallory\x1b[2K\r\tadmin", LastSeen: "2026-12-01T10:00:00Z", Fix: "pin it"}}
	if err := printRows(&out, "table", auditView{rows: rows}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out.String(), "\x1b\r") || !strings.Contains(out.String(), `mallory\x1b[2K\r\tadmin`) {
		t.Errorf("the user name is not escaped:\n%q", out.String())
	}
}
