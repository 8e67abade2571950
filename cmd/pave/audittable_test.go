package main

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/audit"
)

// Every row of pave audit's table is aligned with its header, with its fix
// under it from the RULE column: a fix line among the rows once ended the
// tabwriter's columns, and every row after the first went unaligned.
func TestAuditTableAlignsEveryRow(t *testing.T) {
	rows := []audit.Row{
		{Namespace: "payments", Kind: "Deployment", Name: "miner", Rule: "image-pinned", Outcome: "deny", Count: 1, LastUser: "dev", LastSeen: "2026-12-06T16:57:04Z", Fix: "pin a version"},
		{Namespace: "payments", Kind: "Deployment", Name: "miner", Rule: "pss/allowPrivilegeEscalation", Outcome: "deny", Count: 12, LastUser: "ci-bot", LastSeen: "2026-12-06T16:58:00Z", Fix: "remove privileged: true"},
		{Namespace: "shop", Kind: "Service", Name: "db", Rule: "service-external-ips", Outcome: "deny", Count: 1, LastUser: "dev", LastSeen: "2026-12-06T17:00:00Z"},
	}
	var out strings.Builder
	if err := printRows(&out, "table", auditView{rows: rows}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	header := lines[0]
	if got := strings.Fields(header)[1]; got != "OBJECT" { // a Service is no workload
		t.Errorf("the second column is %s: %q", got, header)
	}
	want := []string{
		"payments deployment/miner", "pin a version",
		"payments deployment/miner", "remove privileged: true",
		"shop service/db",
		"", "3 results", "",
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want)+1, out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(strings.Join(strings.Fields(lines[i+1]), " "), w) && !strings.HasSuffix(lines[i+1], "fix: "+w) {
			t.Errorf("line %d = %q, want it to show %q", i+1, lines[i+1], w)
		}
	}
	for _, col := range []string{"RULE", "OUTCOME", "COUNT", "LAST USER", "LAST SEEN"} {
		at := strings.Index(header, col)
		for _, i := range []int{1, 3, 5} {
			row := rows[(i-1)/2]
			cell := map[string]string{"RULE": row.Rule, "OUTCOME": row.Outcome, "LAST USER": row.LastUser, "LAST SEEN": row.LastSeen}[col]
			if col == "COUNT" {
				cell = strings.Fields(lines[i])[4]
			}
			if got := strings.Index(lines[i], cell); got != at {
				t.Errorf("row %d: %s %q starts at %d, the header's column at %d:\n%s", (i+1)/2, col, cell, got, at, out.String())
			}
		}
	}
	for _, i := range []int{2, 4} {
		if got, at := strings.Index(lines[i], "fix: "), strings.Index(header, "RULE"); got != at || strings.TrimSpace(lines[i][:got]) != "" {
			t.Errorf("fix line %q starts at %d, want the RULE column's %d", lines[i], got, at)
		}
	}
}
