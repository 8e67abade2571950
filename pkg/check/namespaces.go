package check

import (
	"context"
	"sync"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

// namespaceObjects generates each namespace's own objects once per run. They
// depend on the policy and the namespace alone, the same for every workload
// of it, and generating them again for each workload was a seventh of the
// engine's time in pave check. In one run a namespace's labels are fixed
// (the inputs and flags), so its name is the key.
type namespaceObjects struct {
	mu   sync.Mutex
	byNS map[string][]engine.Object
}

func newNamespaceObjects() *namespaceObjects {
	return &namespaceObjects{byNS: map[string][]engine.Object{}}
}

// of returns the objects of env's namespace. They are shared by every
// result of the namespace: read them, do not change them.
func (n *namespaceObjects) of(ctx context.Context, eng *engine.Engine, env policy.Env) ([]engine.Object, error) {
	n.mu.Lock()
	objs, ok := n.byNS[env.Namespace.Name]
	n.mu.Unlock()
	if ok {
		return objs, nil
	}
	objs, err := eng.GenerateNamespace(ctx, env)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.byNS[env.Namespace.Name] = objs
	n.mu.Unlock()
	return objs, nil
}
