package monitoring_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

var update = flag.Bool("update", false, "rewrite docs/images/dashboard.svg")

// docs/observability.md shows the dashboard pave generates for a service:
// drawn from the generated JSON (panels where Grafana puts them, their
// titles and queries), so the picture cannot drift from the code. Run with
// -update after changing the template and review the picture.
func TestDashboardPicture(t *testing.T) {
	cm, err := dashboard(t, service, policy.Default())
	if err != nil || cm == nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string
		Panels []struct {
			Title   string
			Type    string
			GridPos struct{ X, Y, W, H int }
			Targets []struct{ Expr, LegendFormat string }
		}
	}
	if err := json.Unmarshal([]byte(cm.Data[monitoring.DashboardKey("shop", "api")]), &d); err != nil {
		t.Fatal(err)
	}
	const col, row = 40, 30 // pixels per grid column and row
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", 24*col+20, 16*row+60)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#111217"/><text x="10" y="28" fill="#ccccdc" font-size="18">%s</text>`+"\n", html.EscapeString(d.Title))
	for _, p := range d.Panels {
		x, y, w, h := 10+p.GridPos.X*col, 45+p.GridPos.Y*row, p.GridPos.W*col-8, p.GridPos.H*row-8
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#181b1f" stroke="#2c3235"/>`+"\n", x, y, w, h)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#ccccdc" font-weight="bold">%s</text>`+"\n", x+10, y+20, html.EscapeString(p.Title))
		for i, tg := range p.Targets {
			expr := tg.Expr
			if len(expr) > 52 {
				expr = expr[:50] + "…"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#8e8e8e" font-family="monospace" font-size="10">%s: %s</text>`+"\n", x+10, y+h-14-16*(len(p.Targets)-1-i), html.EscapeString(tg.LegendFormat), html.EscapeString(expr))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#5794f2">%s</text>`+"\n", x+w-70, y+20, p.Type)
	}
	b.WriteString("</svg>\n")
	const path = "../../docs/images/dashboard.svg"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil || string(have) != b.String() {
		t.Fatalf("%s is stale (%v): run go test ./pkg/monitoring -run DashboardPicture -update and review it", path, err)
	}
}
