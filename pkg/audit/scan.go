package audit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Scanner is the background audit. On the leading controller it re-judges
// every running Deployment, StatefulSet and DaemonSet, and every object of
// the other kinds pave's rules judge (Services, Ingresses, ...), under the
// policy in force, each time the policy changes and every
// spec.audit.interval, and writes a pass or the findings of each into its
// namespace's report (category background), so a tightened policy shows
// what already runs in breach. Its API load per scan is a paged list of
// each kind, one metadata list of pave's reports and, per namespace whose
// results changed, one read and one write (docs/audit.md).
type Scanner struct {
	// API lists the workloads and pave's reports (uncached), and deletes
	// the reports of the format the policy no longer uses.
	API   client.Client
	Store Store
	// Engine is the engine in force; Env builds each namespace's
	// environment as admission does.
	Engine func() *engine.Engine
	Env    environment.Builder
	// Skip are the namespaces pave does not govern.
	Skip []string
	// Resync delivers an event when a new policy is in force.
	Resync <-chan event.GenericEvent
	// WaitForSync blocks until the cache has synced.
	WaitForSync func(context.Context) bool
	Served      func(format string) bool
	Now         func() time.Time
	Metrics     *metrics.Pave
	Log         logr.Logger
}

// Start implements manager.Runnable.
func (s *Scanner) Start(ctx context.Context) error {
	if !s.WaitForSync(ctx) {
		return nil
	}
	for {
		var every <-chan time.Time
		if eng := s.Engine(); eng != nil {
			if n, err := s.Scan(ctx); err != nil {
				s.Log.Error(err, "background audit incomplete; it runs again at the next interval or policy change")
			} else {
				s.Log.Info("background audit", "judged", n)
			}
			if d := eng.Policy().AuditInterval(); d > 0 {
				every = time.After(d)
			}
		} else {
			every = time.After(time.Second) // no policy yet
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.Resync:
		case <-every:
		}
	}
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: one scanner.
func (s *Scanner) NeedLeaderElection() bool { return true }

// Scan judges every governed workload and object once and writes the
// reports; it returns how many it judged.
func (s *Scanner) Scan(ctx context.Context) (int, error) {
	eng := s.Engine()
	p := eng.Policy()
	format := p.Spec.Audit.Reports
	if format == v1alpha1.ReportsOff || !s.Served(format) {
		return 0, nil
	}
	now := s.Now().UTC().Truncate(time.Second)
	fresh, n, err := s.judge(ctx, eng, p, now)
	if err != nil {
		return n, err
	}
	objects, unread, err := s.judgeObjects(ctx, eng, p, now, fresh)
	if n += objects; err != nil {
		return n, err
	}
	s.Metrics.BackgroundUnread(len(unread.kinds))
	namespaces, err := s.reported(ctx, format)
	if err != nil {
		return n, err
	}
	for ns := range fresh {
		namespaces = append(namespaces, ns)
	}
	slices.Sort(namespaces)
	max := int(ptr.Deref(p.Spec.Audit.MaxResults, 0))
	store := guardedOr(ctx, s.Store, s.Log)
	var failed error
	for _, ns := range slices.Compact(namespaces) {
		err := store.Update(ctx, format, ns, func(results []Result) []Result {
			return replaceScan(results, fresh[ns], max, func(r Result) bool { return unread.has(ns, r) })
		})
		s.Metrics.ReportWritten("background", err)
		if err != nil {
			failed = err
		}
	}
	if failed == nil {
		failed = unread.err()
	}
	return n, failed
}

// judge runs the engine over the running workloads, as their next apply
// would be judged (mutated, then validated), and returns their results by
// namespace.
func (s *Scanner) judge(ctx context.Context, eng *engine.Engine, p *policy.Policy, now time.Time) (map[string][]Result, int, error) {
	out := map[string][]Result{}
	n := 0
	err := s.workloads(ctx, func(w *workload.Workload) error {
		if slices.Contains(s.Skip, w.Meta.Namespace) {
			return nil
		}
		ns := w.Meta.Namespace
		// Quotas are left out: a running workload is already counted in them.
		req := environment.Request{Namespace: ns, Exceptions: true, StorageClasses: len(workload.Claims(w)) > 0}
		req.AskPriority(w.PodSpec)
		env, err := s.Env.Env(ctx, p, req)
		if apierrors.IsNotFound(err) {
			return nil // its namespace went, or is not yet in the cache: the next scan judges it
		}
		if err != nil {
			return fmt.Errorf("judge %s %s/%s: %w", w.Kind, ns, w.Name(), err)
		}
		res, err := eng.Findings(ctx, w, env)
		if err != nil {
			return fmt.Errorf("judge %s %s/%s: %w", w.Kind, ns, w.Name(), err)
		}
		n++
		out[ns] = append(out[ns], scanResults("apps/v1", w.Kind, w.Name(), res.Violations, now)...)
		return nil
	})
	return out, n, err
}

// scanResults are what a scan writes of one object: a pass, or one result
// per rule it breaks, with that rule's first finding.
func scanResults(apiVersion, kind, name string, vs []policy.Violation, now time.Time) []Result {
	base := Result{Key: Key{Category: CategoryBackground, Kind: kind, Name: name}, APIVersion: apiVersion, Outcome: OutcomePass, Count: 1, FirstSeen: now, LastSeen: now}
	if len(vs) == 0 {
		return []Result{base}
	}
	var out []Result
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v.Rule] {
			continue
		}
		seen[v.Rule] = true
		r := base
		r.Rule, r.Outcome, r.Severity = v.Rule, v.Outcome(), string(v.Severity)
		r.Field, r.Message, r.Fix = cut(v.Field, MaxTextBytes), cut(v.Message, MaxMessageBytes), cut(v.Fix, MaxTextBytes)
		out = append(out, r)
	}
	return out
}

// scanPage is how many workloads the background audit lists at once.
const scanPage = 250

// workloads calls fn with every Deployment, StatefulSet and DaemonSet,
// listed whole from the API server a page at a time. The controller's
// cache keeps only what the companions are made of
// (workload.CompanionInputs), and the rules read all of a workload; a page
// at a time, a scan holds no more than scanPage of them at once.
func (s *Scanner) workloads(ctx context.Context, fn func(*workload.Workload) error) error {
	for _, kind := range []struct {
		name string
		list func() client.ObjectList
	}{
		{"Deployments", func() client.ObjectList { return &appsv1.DeploymentList{} }},
		{"StatefulSets", func() client.ObjectList { return &appsv1.StatefulSetList{} }},
		{"DaemonSets", func() client.ObjectList { return &appsv1.DaemonSetList{} }},
	} {
		for page := ""; ; {
			list := kind.list()
			if err := s.API.List(ctx, list, client.Limit(scanPage), client.Continue(page)); err != nil {
				return fmt.Errorf("list %s: %w", kind.name, err)
			}
			items, err := meta.ExtractList(list)
			if err != nil {
				return err
			}
			for _, item := range items {
				w, err := workload.New(item)
				if err != nil {
					continue
				}
				if err := fn(w); err != nil {
					return err
				}
			}
			if page = list.GetContinue(); page == "" {
				break
			}
		}
	}
	return nil
}

// reported lists the namespaces that hold a pave report of format, so that
// one whose workloads are gone is cleared, and deletes pave's reports of
// the other format: there is only ever one.
func (s *Scanner) reported(ctx context.Context, format string) ([]string, error) {
	var out []string
	for f, gvk := range ReportKinds {
		if !s.Served(f) {
			continue
		}
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := s.API.List(ctx, list, client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}); err != nil {
			return nil, err
		}
		for i := range list.Items {
			item := &list.Items[i]
			if item.Name != ReportName {
				continue
			}
			if f == format {
				out = append(out, item.Namespace)
			} else if err := s.API.Delete(ctx, item); client.IgnoreNotFound(err) != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// replaceScan puts a scan's results in place of the last one's, but for
// those of what the scan could not judge (unread), which stay as they were.
// Results that did not change keep their times, and a scan that changed
// nothing writes nothing.
func replaceScan(results, fresh []Result, max int, unread func(Result) bool) []Result {
	last := map[Key]Result{}
	var carried []Result
	for _, r := range results {
		if r.Category != CategoryBackground {
			continue
		}
		last[r.Key] = r
		if unread(r) {
			carried = append(carried, r)
		}
	}
	// A copy: the store may call again on a conflict. What the scan judged
	// of a kind whose list then failed is left out with the rest of it.
	fresh = append(slices.DeleteFunc(slices.Clone(fresh), unread), carried...)
	same := len(last) == len(fresh)
	kept := make([]Result, len(fresh))
	for i, r := range fresh {
		if old, ok := last[r.Key]; ok && old.Outcome == r.Outcome && old.Message == r.Message && old.Field == r.Field {
			r.FirstSeen, r.LastSeen = old.FirstSeen, old.LastSeen
		} else {
			same = false
		}
		kept[i] = r
	}
	if same {
		return results
	}
	return Replace(results, CategoryBackground, kept, max)
}
