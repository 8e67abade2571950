package main

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

// setupAudit starts what records decisions: on every admission replica the
// recorder (the audit log, events, findings) and the writer of the
// namespace reports; on the leading controller the background audit. It
// returns the recorder for the validating webhook (nil without admission).
func setupAudit(mgr ctrl.Manager, o options, engines *pavewebhook.Engines, env environment.Builder, watcher *policyWatcher,
	m *metrics.Pave, admits, controls bool, log logr.Logger) (pavewebhook.Auditor, error) {
	served, err := reportFormats(mgr, log)
	if err != nil {
		return nil, err
	}
	store := audit.Store{Reader: mgr.GetAPIReader(), Writer: mgr.GetClient()}
	current := func() *policy.Policy {
		if eng := engines.Load(); eng != nil {
			return eng.Policy()
		}
		return nil
	}
	if controls {
		api, err := client.New(mgr.GetConfig(), client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
		if err != nil {
			return nil, err
		}
		if err := mgr.Add(&audit.Scanner{API: api, Store: store, Engine: engines.Load, Env: env,
			Skip: o.ungoverned(), Resync: watcher.subscribe(), WaitForSync: mgr.GetCache().WaitForCacheSync,
			Served: served, Now: env.Now, Metrics: m, Log: log.WithName("background")}); err != nil {
			return nil, err
		}
	}
	if !admits {
		return nil, nil
	}
	out, err := auditLog(o.auditLog)
	if err != nil {
		return nil, err
	}
	rec := audit.NewRecorder(audit.RecorderOptions{Queue: o.auditQueue, Pending: pendingResults, Log: out,
		Events: mgr.GetEventRecorderFor("pave"), Metrics: m})
	if err := mgr.Add(rec); err != nil {
		return nil, err
	}
	return rec, mgr.Add(&audit.Writer{Store: store, Drain: rec.Drain, Policy: current, Served: served, Every: o.auditFlush,
		Metrics: m, Log: log.WithName("reports")})
}

// pendingResults bounds the findings an admission replica holds between two
// flushes (distinct rule and workload pairs; repeats only count): about
// 1 KiB each at most.
const pendingResults = 5000

// auditLog opens where the decision records go: - is standard output (the
// server's own log is standard error), off is nowhere, else a file.
func auditLog(where string) (io.Writer, error) {
	switch where {
	case "-", "stdout":
		return os.Stdout, nil
	case "off":
		return nil, nil
	}
	f, err := os.OpenFile(where, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--audit-log: %w", err)
	}
	return f, nil
}

// reportFormats asks discovery once which report kinds the cluster serves:
// a format whose CRD is missing is not written (and said so at start).
func reportFormats(mgr ctrl.Manager, log logr.Logger) (func(string) bool, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
	if err != nil {
		return nil, err
	}
	kinds := make([]schema.GroupVersionKind, 0, len(audit.ReportKinds))
	for _, gvk := range audit.ReportKinds {
		kinds = append(kinds, gvk)
	}
	unserved := environment.Unserved(dc, kinds)
	for format, gvk := range audit.ReportKinds {
		if slices.Contains(unserved, gvk) {
			log.Info("report kind not served; reports in this format are not written (the audit log and events are)", "format", format, "kind", gvk.String())
		}
	}
	return func(format string) bool {
		gvk, ok := audit.ReportKinds[format]
		return ok && !slices.Contains(unserved, gvk)
	}, nil
}
