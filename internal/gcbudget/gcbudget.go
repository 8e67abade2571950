// Package gcbudget lets a process's heap grow to a budget before Go collects.
//
// Go collects when the heap has grown by GOGC percent of what the last
// collection left live (twice the live heap, by default). A server whose live
// heap is small and whose requests allocate a lot collects many times a
// second, each time marking the same live heap again, while the memory it
// may use sits idle. After each collection the tuner sets GOGC so that the
// next comes when the heap reaches the budget, and never sooner than Go's
// default would: the budget is a floor for the heap's goal, not a limit
// (GOMEMLIMIT is the limit, and still applies).
package gcbudget

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Bounds of the GOGC the tuner sets: Go's default, and a ceiling so that a
// heap that shrinks to almost nothing is not given a thousandfold margin.
const (
	minPercent = 100
	maxPercent = 1000
)

// Percent is the GOGC that lets a heap of live bytes grow to budget before
// the next collection, within [100, 1000].
func Percent(budget, live uint64) int {
	if live == 0 {
		return maxPercent
	}
	goal := budget * 100 / live // the budget in percent of the live heap
	if goal <= 100+minPercent {
		return minPercent
	}
	return int(min(goal-100, maxPercent))
}

// Tuner sets GOGC after every collection; Start makes one.
type Tuner struct {
	budget uint64
	// mu keeps Stop from interleaving with a tuning: GOGC is Go's default
	// once Stop returns.
	mu      sync.Mutex
	stopped bool
	live    []metrics.Sample
	// tuned, when set (by tests), is told each GOGC the tuner sets.
	tuned func(percent int)
}

// Start tunes GOGC to budget bytes from the next collection on, until Stop.
func Start(budget uint64) *Tuner {
	t := newTuner(budget)
	t.arm()
	return t
}

func newTuner(budget uint64) *Tuner {
	return &Tuner{budget: budget, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
}

// Stop ends the tuning and gives GOGC back its default.
func (t *Tuner) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	debug.SetGCPercent(minPercent)
}

// sentinel is garbage whose finalizer runs after the collection that found
// it: one per cycle. It holds a pointer so that it is not one of the tiny
// allocations Go packs together, whose finalizers may never run.
type sentinel struct{ _ *int }

func (t *Tuner) arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		if t.tune() {
			t.arm()
		}
	})
}

// tune sets GOGC from the live heap; false once stopped.
func (t *Tuner) tune() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	metrics.Read(t.live)
	if t.live[0].Value.Kind() != metrics.KindUint64 {
		return true // not measured by this runtime: leave GOGC as it is
	}
	p := Percent(t.budget, t.live[0].Value.Uint64())
	debug.SetGCPercent(p)
	if t.tuned != nil {
		t.tuned(p)
	}
	return true
}
