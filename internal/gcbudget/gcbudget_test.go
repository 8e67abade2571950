package gcbudget

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		budget, live uint64
		want         int
	}{
		{24 << 20, 8 << 20, 200},   // the heap may grow to three times its live part
		{24 << 20, 12 << 20, 100},  // the budget is twice the live heap: Go's default
		{24 << 20, 20 << 20, 100},  // a live heap past half the budget collects as Go would
		{24 << 20, 100 << 20, 100}, // and past the budget too: the budget is no limit
		{24 << 20, 1 << 20, 1000},  // a tiny live heap gets at most ten times its size
		{24 << 20, 0, 1000},        // nothing measured yet
		{0, 8 << 20, 100},          // no budget: Go's default
		{1 << 40, 1 << 30, 1000},   // no overflow with large figures
		{24 << 20, 6 << 20, 300},   // four times the live heap
		{24 << 20, 9 << 20, 166},   // rounded down
	} {
		if got := Percent(c.budget, c.live); got != c.want {
			t.Errorf("Percent(%d MiB, %d bytes) = %d, want %d", c.budget>>20, c.live, got, c.want)
		}
	}
}

// After a collection the tuner sets GOGC from the heap left live, and stops
// when told.
func TestTunerSetsGOGCAfterACollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tr := newTuner(1 << 40) // far above any live heap here: the ceiling
	tuned := make(chan int, 1)
	tr.tuned = func(p int) {
		select {
		case tuned <- p:
		default: // a later collection's
		}
	}
	tr.arm()
	runtime.GC()
	select {
	case p := <-tuned:
		if p != maxPercent {
			t.Fatalf("tuned to %d, want %d", p, maxPercent)
		}
	case <-time.After(time.Minute): // a bound on a broken tuner, not a wait for a working one
		t.Fatal("GOGC not tuned after a collection")
	}
	if got := debug.SetGCPercent(maxPercent); got != maxPercent {
		t.Errorf("GOGC after the collection is %d, want %d", got, maxPercent)
	}
	tr.Stop()
	if got := debug.SetGCPercent(100); got != minPercent {
		t.Errorf("GOGC after Stop is %d, want %d", got, minPercent)
	}
}
