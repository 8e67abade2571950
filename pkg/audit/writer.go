package audit

import (
	"context"
	"sort"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
)

// Writer, on every admission replica, flushes the findings its Recorder
// aggregated into the namespaces' reports every interval: one read and one
// write per namespace that had findings since the last flush, whatever
// their number. A flush that fails keeps nothing back for the next: the
// findings are in the audit log and the events, and the failure is counted.
type Writer struct {
	Store Store
	// Drain returns the findings to write (Recorder.Drain).
	Drain func() map[string][]Result
	// Policy is the policy in force: its report format and cap.
	Policy func() *policy.Policy
	// Served reports whether the cluster serves a report format's kind.
	Served  func(format string) bool
	Every   time.Duration
	Metrics *metrics.Pave
	Log     logr.Logger
}

// Start implements manager.Runnable; it flushes once more as it stops.
func (w *Writer) Start(ctx context.Context) error {
	t := time.NewTicker(w.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			w.Flush(flush)
			cancel()
			return nil
		case <-t.C:
			w.Flush(ctx)
		}
	}
}

// NeedLeaderElection implements manager.LeaderElectionRunnable.
func (w *Writer) NeedLeaderElection() bool { return false }

// Flush writes what was drained into each namespace's report.
func (w *Writer) Flush(ctx context.Context) {
	delta := w.Drain()
	p := w.Policy()
	if len(delta) == 0 || p == nil {
		return
	}
	format, max := p.Spec.Audit.Reports, int(ptr.Deref(p.Spec.Audit.MaxResults, 0))
	if format == v1alpha1.ReportsOff || !w.Served(format) {
		return
	}
	namespaces := make([]string, 0, len(delta))
	for ns := range delta {
		if ns != "" { // cluster-scoped objects have no namespace report; the log and events have them
			namespaces = append(namespaces, ns)
		}
	}
	if len(namespaces) == 0 { // no report to write: the guard need not be read
		return
	}
	sort.Strings(namespaces)
	store := guardedOr(ctx, w.Store, w.Log)
	for _, ns := range namespaces {
		err := store.Update(ctx, format, ns, func(results []Result) []Result { return Merge(results, delta[ns], max) })
		w.Metrics.ReportWritten("admission", err)
		if err != nil {
			w.Log.Error(err, "report not written; the findings are in the audit log", "namespace", ns, "format", format)
		}
	}
}
