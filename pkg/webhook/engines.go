package webhook

import (
	"sync/atomic"

	"github.com/pave-dev/pave/pkg/engine"
)

// Engines holds the engine compiled for the current policy. The policy watcher
// swaps it atomically, so a request always runs against one whole policy and no
// request waits for a swap.
type Engines struct {
	current atomic.Pointer[engine.Engine]
}

// Load returns the current engine, or nil before the first policy is loaded.
func (e *Engines) Load() *engine.Engine { return e.current.Load() }

// Store installs a new engine.
func (e *Engines) Store(eng *engine.Engine) { e.current.Store(eng) }
