package audit

import (
	"cmp"
	"slices"
	"time"

	"github.com/pave-dev/pave/pkg/policy"
)

// Categories of report results: what admission decided, and what the
// background audit found in what already runs.
const (
	CategoryAdmission  = "admission"
	CategoryBackground = "background"
)

// Results of the background audit that are not a rule's outcome.
const (
	// OutcomePass is an object the background audit found breaking nothing.
	OutcomePass policy.Outcome = "pass"
)

// Bounds of a report's texts, in bytes as stored (JSON-encoded): a result's
// texts are cut here, so a report at its cap of results has a known size
// whatever the findings say (docs/audit.md).
const (
	MaxMessageBytes = 256
	MaxTextBytes    = 128 // the fix, the field path and the user
)

// Key identifies one result of a namespace's report: one rule on one
// object, for one category. A pass of the background audit has no rule.
type Key struct {
	Category string
	Rule     string
	Kind     string
	Name     string
}

// Result aggregates every finding of one Key.
type Result struct {
	Key
	APIVersion string
	Outcome    policy.Outcome
	Severity   string
	Field      string
	Message    string
	Fix        string
	// Count is how many decisions had the finding (1 for the background audit).
	Count     int64
	FirstSeen time.Time
	LastSeen  time.Time
	// LastUser is who made the last request with the finding.
	LastUser string
}

// Book aggregates records into per-namespace deltas until a writer drains
// them: 1,000 denials of one workload are one result with count 1,000. It
// holds at most max results: a finding of a new rule or object beyond them is
// dropped (and counted by the caller) until the next drain, so memory stays
// bounded whatever the flood, at constant cost per record. Not safe for
// concurrent use; the Recorder's one worker owns it.
type Book struct {
	max     int
	size    int
	pending map[string]map[Key]*Result
}

// NewBook returns a book holding at most max pending results.
func NewBook(max int) *Book {
	return &Book{max: max, pending: map[string]map[Key]*Result{}}
}

// Add aggregates a record's findings; it reports how many it dropped to
// stay within its bound.
func (b *Book) Add(rec Record) (dropped int) {
	ns := b.pending[rec.Namespace]
	if ns == nil {
		ns = map[Key]*Result{}
		b.pending[rec.Namespace] = ns
	}
	for _, f := range rec.Findings {
		k := Key{Category: CategoryAdmission, Rule: f.Rule, Kind: rec.Kind, Name: rec.Name}
		r := ns[k]
		if r == nil {
			if b.size >= b.max {
				dropped++
				continue
			}
			r = &Result{Key: k, APIVersion: rec.APIVersion, FirstSeen: rec.Time}
			ns[k] = r
			b.size++
		}
		r.Count++
		if !rec.Time.Before(r.LastSeen) {
			r.LastSeen, r.Outcome, r.Severity = rec.Time, f.Outcome, f.Severity
			r.LastUser, r.Field = cut(rec.User, MaxTextBytes), cut(f.Field, MaxTextBytes)
			r.Message, r.Fix = cut(f.Message, MaxMessageBytes), cut(f.Fix, MaxTextBytes)
		}
	}
	return dropped
}

// Len is the number of pending results.
func (b *Book) Len() int { return b.size }

// Drain returns the pending results by namespace and empties the book.
func (b *Book) Drain() map[string][]Result {
	out := make(map[string][]Result, len(b.pending))
	for ns, results := range b.pending {
		for _, r := range results {
			out[ns] = append(out[ns], *r)
		}
	}
	b.pending, b.size = map[string]map[Key]*Result{}, 0
	return out
}

// Merge adds a delta of admission results to a report's results: counts
// add up, the latest finding wins the rest. The report keeps at most max
// results: passes go first, then the least recently seen.
func Merge(results, delta []Result, max int) []Result {
	index := make(map[Key]int, len(results))
	out := slices.Clone(results)
	for i, r := range out {
		index[r.Key] = i
	}
	for _, d := range delta {
		i, ok := index[d.Key]
		if !ok {
			index[d.Key] = len(out)
			out = append(out, d)
			continue
		}
		r := &out[i]
		r.Count += d.Count
		if d.FirstSeen.Before(r.FirstSeen) {
			r.FirstSeen = d.FirstSeen
		}
		if !d.LastSeen.Before(r.LastSeen) {
			count, first := r.Count, r.FirstSeen
			*r = d
			r.Count, r.FirstSeen = count, first
		}
	}
	return Trim(out, max)
}

// Replace puts fresh results in place of every result of their category
// (the background audit's last scan replaces its previous one).
func Replace(results []Result, category string, fresh []Result, max int) []Result {
	out := slices.DeleteFunc(slices.Clone(results), func(r Result) bool { return r.Category == category })
	return Trim(append(out, fresh...), max)
}

// Trim orders results for the report (findings before passes, the most
// recently seen first, then by key) and keeps the first max.
func Trim(results []Result, max int) []Result {
	slices.SortFunc(results, func(a, b Result) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		if c := b.LastSeen.Compare(a.LastSeen); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Rule, b.Rule))
	})
	if len(results) > max {
		results = results[:max]
	}
	return results
}

func rank(r Result) int {
	if r.Outcome == OutcomePass {
		return 1
	}
	return 0
}
