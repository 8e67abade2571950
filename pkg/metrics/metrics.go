// Package metrics is pave's own telemetry on the webhook's metrics endpoint:
// what admission decided and why, what pave completed, what the controller
// applied, which policy is in force and when the serving certificate
// expires. controller-runtime already exports request latency and counts per
// webhook path and reconciler; nothing here repeats them. See docs/metrics.md.
//
// The adapters hold a *Pave; a nil one records nothing, so tests and the CLI
// need none.
package metrics

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pave-dev/pave/pkg/policy"
)

// Pave holds pave's collectors.
type Pave struct {
	findings          *prometheus.CounterVec
	mutations         *prometheus.CounterVec
	companions        *prometheus.CounterVec
	policyGeneration  prometheus.Gauge
	policyCompile     prometheus.Histogram
	certificateExpiry prometheus.Gauge
	auditRecords      prometheus.Counter
	auditDropped      *prometheus.CounterVec
	reportWrites      *prometheus.CounterVec
	backgroundUnread  prometheus.Gauge
}

// New creates pave's collectors and registers them with reg (in the webhook
// binary, controller-runtime's registry, which its metrics endpoint serves).
func New(reg prometheus.Registerer) (*Pave, error) {
	p := &Pave{
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pave_admission_findings_total",
			Help: "Rule findings in admission decisions, by rule, mode, outcome (deny, warn, waived, record) and namespace."},
			[]string{"rule", "mode", "outcome", "namespace"}),
		mutations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pave_mutations_total",
			Help: "Objects a mutator changed at admission, by mutator."}, []string{"mutator"}),
		companions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pave_companions_total",
			Help: "Companion objects the controller applied, by kind and result (applied, failed, unchanged: as last applied, not applied again)."}, []string{"kind", "result"}),
		policyGeneration: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pave_policy_generation",
			Help: "Generation of the PlatformPolicy in force (0: the built-in policy)."}),
		policyCompile: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pave_policy_compile_seconds",
			Help: "Time to compile a PlatformPolicy into an engine.", Buckets: prometheus.ExponentialBuckets(0.0005, 4, 8)}),
		certificateExpiry: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pave_certificate_expiry_timestamp_seconds",
			Help: "When the webhook's serving certificate expires, as a Unix time."}),
		auditRecords: prometheus.NewCounter(prometheus.CounterOpts{Name: "pave_audit_records_total",
			Help: "Decision records written to the audit log."}),
		auditDropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pave_audit_dropped_total",
			Help: "Decision records dropped to keep admission unblocked and memory bounded, by stage: queue (the record), report (its findings, from the namespace reports)."},
			[]string{"stage"}),
		reportWrites: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pave_audit_report_writes_total",
			Help: "Writes of namespace reports, by writer (admission, background) and result (ok, failed)."}, []string{"writer", "result"}),
		backgroundUnread: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pave_audit_background_unread_kinds",
			Help: "Kinds the last background audit could not list: their results in the reports are those of an earlier scan."}),
	}
	for _, c := range []prometheus.Collector{p.findings, p.mutations, p.companions, p.policyGeneration, p.policyCompile, p.certificateExpiry,
		p.auditRecords, p.auditDropped, p.reportWrites, p.backgroundUnread} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register pave metrics: %w", err)
		}
	}
	return p, nil
}

// Finding counts one finding of an admission decision.
func (p *Pave) Finding(v policy.Violation, namespace string) {
	if p == nil {
		return
	}
	p.findings.WithLabelValues(v.Rule, string(v.Mode), string(v.Outcome()), namespace).Inc()
}

// Mutated counts the mutators that changed an object.
func (p *Pave) Mutated(mutators []string) {
	if p == nil {
		return
	}
	for _, m := range mutators {
		p.mutations.WithLabelValues(m).Inc()
	}
}

// Companion counts one companion object applied, or failed to apply.
func (p *Pave) Companion(kind string, err error) {
	if p == nil {
		return
	}
	result := "applied"
	if err != nil {
		result = "failed"
	}
	p.companions.WithLabelValues(kind, result).Inc()
}

// CompanionUnchanged counts one companion object not applied again: it was
// as pave last applied it, and the policy wanted the same.
func (p *Pave) CompanionUnchanged(kind string) {
	if p == nil {
		return
	}
	p.companions.WithLabelValues(kind, "unchanged").Inc()
}

// PolicyInForce records the generation in force and how long it took to compile.
func (p *Pave) PolicyInForce(generation int64, compile time.Duration) {
	if p == nil {
		return
	}
	p.policyGeneration.Set(float64(generation))
	p.policyCompile.Observe(compile.Seconds())
}

// CertificateExpires records when the serving certificate expires.
func (p *Pave) CertificateExpires(t time.Time) {
	if p == nil {
		return
	}
	p.certificateExpiry.Set(float64(t.Unix()))
}

// AuditRecorded counts a record written to the audit log.
func (p *Pave) AuditRecorded() {
	if p == nil {
		return
	}
	p.auditRecords.Inc()
}

// AuditDropped counts n records (stage queue) or findings (stage report)
// dropped.
func (p *Pave) AuditDropped(stage string, n int) {
	if p == nil || n == 0 {
		return
	}
	p.auditDropped.WithLabelValues(stage).Add(float64(n))
}

// ReportWritten counts one write of a namespace report by writer.
func (p *Pave) ReportWritten(writer string, err error) {
	if p == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "failed"
	}
	p.reportWrites.WithLabelValues(writer, result).Inc()
}

// BackgroundUnread records how many kinds the last background audit could
// not list: above zero, their results in the reports are growing stale.
func (p *Pave) BackgroundUnread(kinds int) {
	if p == nil {
		return
	}
	p.backgroundUnread.Set(float64(kinds))
}
