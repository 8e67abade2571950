package webhook

import (
	"sync/atomic"

	"github.com/pave-dev/pave/pkg/engine"
)

// Engines holds the engine compiled for the current policy. The policy watcher
// swaps it atomically, so a request always runs against one whole policy and no
// request waits for a swap.
type Engines struct {
	current atomic.Pointer[compiled]
}

// compiled is an engine and the PlatformPolicy generation it came from.
type compiled struct {
	eng        *engine.Engine
	generation int64
}

// Load returns the current engine, or nil before the first policy is loaded.
func (e *Engines) Load() *engine.Engine {
	eng, _ := e.Current()
	return eng
}

// Current returns the current engine and its policy's generation (0: the
// built-in policy), read together.
func (e *Engines) Current() (*engine.Engine, int64) {
	c := e.current.Load()
	if c == nil {
		return nil, 0
	}
	return c.eng, c.generation
}

// Store installs a new engine (of the built-in policy, or in tests).
func (e *Engines) Store(eng *engine.Engine) { e.StoreGeneration(eng, 0) }

// StoreGeneration installs the engine compiled from a PlatformPolicy generation.
func (e *Engines) StoreGeneration(eng *engine.Engine, generation int64) {
	e.current.Store(&compiled{eng: eng, generation: generation})
}
