package monitoring_test

import (
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/monitoring"
)

// The SRE workbook's table ("Alerting on SLOs", table 5-8) for a 30-day
// window: 2% of the budget in 1h, 5% in 6h page; 10% in 1d and in 3d ticket.
func TestBurnWindowsMatchTheWorkbook(t *testing.T) {
	day := 24 * time.Hour
	want := []monitoring.BurnWindow{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: "page"},
		{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: "page"},
		{Long: day, Short: 2 * time.Hour, Factor: 3, Severity: "ticket"},
		{Long: 3 * day, Short: 6 * time.Hour, Factor: 1, Severity: "ticket"},
	}
	got := monitoring.BurnWindows(30 * day)
	if len(got) != len(want) {
		t.Fatalf("%d windows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("window %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// A 28-day window spends the same shares, so its factors scale by 28/30.
	for i, f := range []float64{13.44, 5.6, 2.8, 0.9333} {
		if g := monitoring.BurnWindows(28 * day)[i].Factor; g != f {
			t.Errorf("28d window %d: factor %v, want %v", i, g, f)
		}
	}
}

func TestBudget(t *testing.T) {
	for percent, want := range map[float64]float64{99.9: 0.001, 99.99: 0.0001, 99.5: 0.005, 90: 0.1, 99: 0.01} {
		if got := monitoring.Budget(percent); got != want {
			t.Errorf("Budget(%v) = %v, want %v", percent, got, want)
		}
	}
}
