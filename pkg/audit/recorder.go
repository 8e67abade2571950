package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/record"

	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
)

// Recorder takes decisions off the admission path. Decide queues a record,
// or drops and counts it when the queue is full; one worker writes each to
// the audit log (a JSON line), counts it, tells it as an Event on the object
// (the event recorder folds repeats into one event with a count and a last
// time), and adds its findings to the book the report Writer drains. A dry
// run is logged and counted, never reported: it changed nothing.
type Recorder struct {
	// queue holds pointers: a buffer of 4,096 Records was 0.9 MB of the
	// admission server's live heap, marked again by every collection
	// (docs/performance.md, stop 35); of pointers it is 32 KB.
	queue   chan *Record
	log     io.Writer
	events  record.EventRecorder
	metrics *metrics.Pave

	mu   sync.Mutex
	book *Book
}

// RecorderOptions configures a Recorder.
type RecorderOptions struct {
	// Queue is how many records may wait for the worker; Pending how many
	// report results may wait for the Writer.
	Queue, Pending int
	// Log receives one JSON line per record; nil writes none.
	Log io.Writer
	// Events tells each decision on its object; nil tells none.
	Events  record.EventRecorder
	Metrics *metrics.Pave
}

// NewRecorder returns a recorder; Start runs its worker.
func NewRecorder(o RecorderOptions) *Recorder {
	return &Recorder{queue: make(chan *Record, o.Queue), log: o.Log, events: o.Events, metrics: o.Metrics, book: NewBook(o.Pending)}
}

// Decide implements the webhook's Auditor: it never blocks.
func (r *Recorder) Decide(p *policy.Policy, req Request, vs []policy.Violation) {
	rec, ok := New(p, req, vs)
	if !ok {
		return
	}
	select {
	case r.queue <- &rec:
	default:
		r.metrics.AuditDropped("queue", 1)
	}
}

// Start implements manager.Runnable: the worker, until ctx ends; what is
// queued by then is still written.
func (r *Recorder) Start(ctx context.Context) error {
	var enc *json.Encoder
	if r.log != nil {
		enc = json.NewEncoder(r.log)
	}
	for {
		select {
		case rec := <-r.queue:
			r.handle(enc, rec)
		case <-ctx.Done():
			for {
				select {
				case rec := <-r.queue:
					r.handle(enc, rec)
				default:
					return nil
				}
			}
		}
	}
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: every
// admission replica records its own decisions.
func (r *Recorder) NeedLeaderElection() bool { return false }

func (r *Recorder) handle(enc *json.Encoder, p *Record) {
	rec := *p
	if enc != nil && enc.Encode(rec) == nil {
		r.metrics.AuditRecorded()
	}
	if rec.DryRun {
		return
	}
	if r.events != nil {
		r.event(rec)
	}
	r.mu.Lock()
	dropped := r.book.Add(rec)
	r.mu.Unlock()
	r.metrics.AuditDropped("report", dropped)
}

// Drain returns the findings aggregated since the last drain, by namespace.
func (r *Recorder) Drain() map[string][]Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.book.Drain()
}

// event tells the decision on its object. The message names no user, so
// that the same denial by anyone is one event whose count grows.
func (r *Recorder) event(rec Record) {
	f := rec.Findings[0]
	reason, kind, verb := "PolicyWarning", corev1.EventTypeWarning, "admitted with a warning"
	switch {
	case !rec.Allowed:
		reason, verb = "PolicyDenied", "denied"
		for _, g := range rec.Findings { // lead with a finding that denied
			if g.Outcome == policy.OutcomeDeny {
				f = g
				break
			}
		}
	case f.Outcome == policy.OutcomeWaived:
		reason, kind, verb = "PolicyWaived", corev1.EventTypeNormal, "admitted under an exception"
	case f.Outcome == policy.OutcomeRecord:
		reason, verb = "PolicyAudit", "admitted; audit finding"
	}
	msg := fmt.Sprintf("pave %s %s: [%s] %s: %s. Fix: %s", verb, rec.Operation, f.Rule, f.Field, f.Message, f.Fix)
	if n := len(rec.Findings) - 1; n > 0 {
		msg += fmt.Sprintf(" (+%d more findings; pave audit denials -n %s)", n, rec.Namespace)
	}
	ref := &corev1.ObjectReference{APIVersion: rec.APIVersion, Kind: rec.Kind, Namespace: rec.Namespace, Name: rec.Name}
	r.events.Event(ref, kind, reason, cut(msg, 1000))
}
