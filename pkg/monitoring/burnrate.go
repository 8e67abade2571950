package monitoring

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// SeriesPrefix starts the name of every series pave's SLO rules record:
// no team's rule may record one (rule monitoring-scope, Reserved), or it
// would decide another team's SLO alerts.
const SeriesPrefix = "pave_slo:"

// CostSeries is the recorded hourly cost of what a namespace requests,
// labelled with its team and cost centre; the cost-by-team dashboard
// (manifests/monitoring) sums it by team.
const CostSeries = RecordedPrefix + "cost_per_hour:sum"

// RecordedPrefix starts the name of every other series pave's rules
// record, its cost among them.
const RecordedPrefix = "pave:"

// Reserved says whether name is a series only pave's rules record: its SLO
// series (SeriesPrefix) and everything under RecordedPrefix. A team's rule
// recording one would decide another team's alerts, or its cost on the
// cost-by-team dashboard.
func Reserved(name string) bool {
	return strings.HasPrefix(name, SeriesPrefix) || strings.HasPrefix(name, RecordedPrefix)
}

// BurnWindow is one multiwindow burn-rate condition (the SRE workbook,
// "Alerting on SLOs", recipe 6): the error ratio over both the long and the
// short window above Factor times the error budget. The long window proves
// the burn is real; the short one that it is still going on, so the alert
// stops soon after the burn does.
type BurnWindow struct {
	Long, Short time.Duration
	// Factor is the burn rate: how many times faster than the window allows
	// the budget is spent.
	Factor float64
	// Severity is page (wake someone) or ticket (next working day).
	Severity string
}

// budgetSpent is the workbook's table: the share of a window's budget that
// may be spent within each long window before someone is told.
var budgetSpent = []struct {
	long, short time.Duration
	spent       float64
	severity    string
}{
	{time.Hour, 5 * time.Minute, 0.02, "page"},
	{6 * time.Hour, 30 * time.Minute, 0.05, "page"},
	{24 * time.Hour, 2 * time.Hour, 0.10, "ticket"},
	{72 * time.Hour, 6 * time.Hour, 0.10, "ticket"},
}

// BurnWindows are the alert conditions of an SLO window. For 30 days they
// are the workbook's 14.4× and 6× (page), 3× and 1× (ticket); other
// windows keep the share of budget spent, so their factors scale with the
// window.
func BurnWindows(window time.Duration) []BurnWindow {
	out := make([]BurnWindow, 0, len(budgetSpent))
	for _, b := range budgetSpent {
		factor := b.spent * float64(window) / float64(b.long)
		out = append(out, BurnWindow{Long: b.long, Short: b.short, Factor: math.Round(factor*1e4) / 1e4, Severity: b.severity})
	}
	return out
}

// PromDuration writes a duration as PromQL does: 5m, 1h, 1d.
func PromDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	default:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
}
