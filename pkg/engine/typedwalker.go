package engine

import (
	"reflect"
	"sync"
)

// The walker's bookkeeping: its stacks, the changes it records over
// copies of them, and the pool that lends walkers from one patch to the
// next. What it compares is typeddiff.go.

func newWalker() *walker {
	return &walker{chain: make([]reflect.Value, 0, 16), path: make([]string, 0, 16),
		paths: make([]string, 0, 64), chains: make([]reflect.Value, 0, 64), out: make([]change, 0, 8)}
}

// changes is typedChanges with w's stacks, which must be empty (new or
// reset); the changes are w's until it is reset.
func (w *walker) changes(a, b reflect.Value, sc *scope) []change {
	w.at = sc
	w.chain = append(w.chain, b)
	w.walk(a, b)
	return w.out
}

// reset empties w for another walk, holding no value of the objects it
// walked: the chain's array is cleared whole, since an entry popped off
// the stack stays there until overwritten.
func (w *walker) reset() {
	clear(w.chain[:cap(w.chain)])
	clear(w.chains)
	clear(w.out)
	w.chain, w.chains, w.out = w.chain[:0], w.chains[:0], w.out[:0]
	w.path, w.paths = w.path[:0], w.paths[:0]
	w.at = nil
	if cap(w.scratch) > maxScratch {
		w.scratch = nil
	}
	w.arena.reset()
}

// walkers lends walkers from one patch to the next: their stacks, and the
// copies of the changes' paths and chains, were a tenth of the bytes a
// /mutate allocated once its review buffers were lent (docs/performance.md).
// A nil walkers lends none.
type walkers struct{ pool sync.Pool }

func (ws *walkers) get() *walker {
	if ws != nil {
		if w, ok := ws.pool.Get().(*walker); ok {
			return w
		}
	}
	return newWalker()
}

// put takes back w, whose changes the caller is done with.
func (ws *walkers) put(w *walker) {
	if ws == nil {
		return
	}
	w.reset()
	ws.pool.Put(w)
}

// walker holds the path and chain of the place being compared as stacks,
// copied only when a change is recorded: allocating them at every field was
// half of the walk's cost.
type walker struct {
	path  []string
	chain []reflect.Value
	out   []change
	// paths and chains hold the recorded changes' paths and chains end to
	// end: a copy of each for each change was a tenth of a mutation's
	// allocations. A change's are capped slices of them, so later appends
	// never write into them.
	paths  []string
	chains []reflect.Value
	// at is the scope of the current place: what is outside is not compared.
	at *scope
	// scratch is lent to the patch's encodings for their protobuf keys
	// (the proxy's is 2 KB): it holds bytes only, no value walked.
	scratch []byte
	// arena holds the nodes of the raw object's rawDoc.
	arena rawArena
}

// maxScratch bounds the scratch a walker keeps for the next patch.
const maxScratch = 64 << 10

// record notes a change at the current path: after is what b has there
// (invalid: removed); when valid, it is pushed on the chain recorded.
func (w *walker) record(after reflect.Value) { w.keep(after, after.IsValid()) }

// emit records that b, the value at the current path, differs: the chain
// already ends with it.
func (w *walker) emit(b reflect.Value) { w.keep(b, false) }

// keep copies the current path and chain (and after, with push) to the
// end of paths and chains, and records the change over those copies.
func (w *walker) keep(after reflect.Value, push bool) {
	p0, c0 := len(w.paths), len(w.chains)
	w.paths = append(w.paths, w.path...)
	w.chains = append(w.chains, w.chain...)
	if push {
		w.chains = append(w.chains, after)
	}
	w.out = append(w.out, change{path: w.paths[p0:len(w.paths):len(w.paths)], after: after, chain: w.chains[c0:len(w.chains):len(w.chains)]})
}
