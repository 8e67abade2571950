package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// QueryVars are what an SLI query template sees (v1alpha1.SLIQueries).
type QueryVars struct {
	Namespace, Name, Workload string
	// Window is a PromQL range, such as 5m.
	Window string
	// LatencySeconds and LatencyMillis are the latency target as a
	// histogram bucket's le label in seconds and in milliseconds.
	LatencySeconds, LatencyMillis string
}

// LatencyVars sets the latency target in both units, formatted as
// Prometheus formats a bucket's le (0.5, 500, 1).
func (v QueryVars) LatencyVars(d time.Duration) QueryVars {
	v.LatencySeconds = strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	v.LatencyMillis = strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64)
	return v
}

// promql parses every query pave writes: the same parser Prometheus loads
// rules with.
var promql = parser.NewParser(parser.Options{})

// ParsePromQL reports whether s is a PromQL expression Prometheus accepts.
func ParsePromQL(s string) error {
	_, err := ParseExpr(s)
	return err
}

// ParseExpr parses s as Prometheus loads rules, for the rules that read a
// query's selectors and functions.
func ParseExpr(s string) (parser.Expr, error) { return promql.ParseExpr(s) }

// RenderQuery executes a query template of the field named by field and
// checks that the result is PromQL.
func RenderQuery(field, tmpl string, v QueryVars) (string, error) {
	t, err := template.New(field).Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	q := b.String()
	if err := ParsePromQL(q); err != nil {
		return "", fmt.Errorf("%s: not PromQL once filled in (%q): %w", field, q, err)
	}
	return q, nil
}

// DashboardFuncs are the functions a dashboard template may call: json
// quotes a string as a JSON string (a query inside Grafana's JSON).
func DashboardFuncs() template.FuncMap {
	return template.FuncMap{"json": func(s string) (string, error) {
		b, err := json.Marshal(s)
		return string(b), err
	}}
}

// templates compiles each template text once per policy: the SLI queries
// and the dashboard are filled in for every workload pave check judges, and
// parsing them each time cost more than the rest of the engine.
// Template returns the compiled template of text (with DashboardFuncs),
// compiling it on first use.
func (p *Policy) Template(text string) (*template.Template, error) {
	if p.templates != nil {
		if t, ok := p.templates.m.Load(text); ok {
			return t.(*template.Template), nil
		}
	}
	t, err := template.New("").Option("missingkey=error").Funcs(DashboardFuncs()).Parse(text)
	if err != nil || p.templates == nil {
		return t, err
	}
	p.templates.m.Store(text, t)
	return t, nil
}

// Fill fills a query template in. The policy checked when it was compiled
// that each query fills in to PromQL; the names filled in are label values
// and object names, which cannot change that, so it is not parsed again.
func (p *Policy) Fill(field, tmpl string, v QueryVars) (string, error) {
	t, err := p.Template(tmpl)
	if err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	return b.String(), nil
}

// Availability parses a percentage such as 99.9, in (0, 100].
func Availability(s string) (float64, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= 100) { // NaN too, which no comparison holds
		return 0, fmt.Errorf("%q is not a percentage; write it as 99.9", s)
	}
	return v, nil
}

// Days parses an SLO window such as 30d.
func Days(s string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || !strings.HasSuffix(s, "d") || n < 1 || n > 99 {
		return 0, fmt.Errorf("%q is not a window in days; write it as 30d", s)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// SLITemplate is one of a policy's SLI query templates and its field.
type SLITemplate struct{ Field, Template string }

// SLITemplates are the policy's SLI query templates: meshed, then plain,
// each in the order of v1alpha1.SLIQueries' fields.
func SLITemplates(m v1alpha1.MonitoringPolicy) []SLITemplate {
	var out []SLITemplate
	for _, set := range []struct {
		name string
		q    v1alpha1.SLIQueries
	}{{"meshed", m.SLO.Meshed}, {"plain", m.SLO.Plain}} {
		for _, f := range []struct{ name, tmpl string }{
			{"total", set.q.Total}, {"errors", set.q.Errors}, {"fast", set.q.Fast}, {"timed", set.q.Timed}, {"duration", set.q.Duration},
		} {
			out = append(out, SLITemplate{Field: "spec.monitoring.slo." + set.name + "." + f.name, Template: f.tmpl})
		}
	}
	return out
}

// sampleVars fill the query templates when the policy is checked.
var sampleVars = QueryVars{Namespace: "shop", Name: "api", Workload: "api", Window: "5m"}.LatencyVars(500 * time.Millisecond)

func validateMonitoring(m v1alpha1.MonitoringPolicy) error {
	switch m.Scrape {
	case v1alpha1.ScrapePodMonitor, v1alpha1.ScrapeServiceMonitor, v1alpha1.ScrapeAnnotations, v1alpha1.ScrapeOff:
	default:
		return fmt.Errorf("spec.monitoring.scrape: %q is not a target; use PodMonitor, ServiceMonitor, annotations or \"off\"", m.Scrape)
	}
	lo, err := Availability(m.SLO.MinAvailability)
	if err != nil {
		return fmt.Errorf("spec.monitoring.slo.minAvailability: %w", err)
	}
	hi, err := Availability(m.SLO.MaxAvailability)
	if err != nil {
		return fmt.Errorf("spec.monitoring.slo.maxAvailability: %w", err)
	}
	if lo > hi || hi == 100 {
		return fmt.Errorf("spec.monitoring.slo: minAvailability %s must not exceed maxAvailability %s, which must be below 100 (a 100%% target has no error budget to alert on)", m.SLO.MinAvailability, m.SLO.MaxAvailability)
	}
	windows := map[string]bool{}
	for i, w := range m.SLO.Windows {
		if _, err := Days(w); err != nil {
			return fmt.Errorf("spec.monitoring.slo.windows[%d]: %w", i, err)
		}
		windows[w] = true
	}
	if !windows[m.SLO.DefaultWindow] {
		return fmt.Errorf("spec.monitoring.slo.defaultWindow: %q is not one of spec.monitoring.slo.windows", m.SLO.DefaultWindow)
	}
	for _, q := range []struct {
		name    string
		buckets []v1alpha1.Duration
	}{{"meshed", m.SLO.Meshed.LatencyBuckets}, {"plain", m.SLO.Plain.LatencyBuckets}} {
		for i, b := range q.buckets {
			if b.Duration <= 0 {
				return fmt.Errorf("spec.monitoring.slo.%s.latencyBuckets[%d]: %s is no bucket bound; write the histogram's bounds as durations, such as 250ms", q.name, i, b.Duration)
			}
		}
	}
	for _, t := range SLITemplates(m) {
		if _, err := RenderQuery(t.Field, t.Template, sampleVars); err != nil {
			return err
		}
	}
	if _, err := template.New("").Funcs(DashboardFuncs()).Parse(m.Dashboards.Template); err != nil {
		return fmt.Errorf("spec.monitoring.dashboards.template: %w", err)
	}
	for field, price := range map[string]string{"cpuCoreHour": m.Cost.CPUCoreHour, "memoryGiBHour": m.Cost.MemoryGiBHour} {
		if v, err := strconv.ParseFloat(price, 64); err != nil || v < 0 {
			return fmt.Errorf("spec.monitoring.cost.%s: %q is not a price; write it as 0.0316", field, price)
		}
	}
	return nil
}

// overlayBuckets keeps the built-in latency buckets to the built-in queries:
// they describe the histogram the fast query reads, so a policy that writes
// its own fast query and no buckets is judged against none, rather than
// against a histogram it may not read.
func overlayBuckets(spec *v1alpha1.PlatformPolicySpec, overlay v1alpha1.PlatformPolicySpec) {
	for _, q := range []struct{ merged, overlay *v1alpha1.SLIQueries }{
		{&spec.Monitoring.SLO.Meshed, &overlay.Monitoring.SLO.Meshed},
		{&spec.Monitoring.SLO.Plain, &overlay.Monitoring.SLO.Plain},
	} {
		if q.overlay.Fast != "" && q.overlay.LatencyBuckets == nil {
			q.merged.LatencyBuckets = nil
		}
	}
}
