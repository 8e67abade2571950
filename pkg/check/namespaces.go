package check

import (
	"context"
	"sync"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

// namespaceObjects names each namespace's own objects once per run. They
// depend on the policy and the namespace alone, the same for every workload
// of it, and generating them again for each workload was a seventh of the
// engine's time in pave check. In one run a namespace's labels are fixed
// (the inputs and flags), so its name is the key. pave check lists them
// (engine.Describe); --render prints them from the engine's own result.
type namespaceObjects struct {
	mu   sync.Mutex
	byNS map[string][]string
}

func newNamespaceObjects() *namespaceObjects {
	return &namespaceObjects{byNS: map[string][]string{}}
}

// names describes the objects of env's namespace. The list is shared by
// every result of the namespace: read it, do not change it.
func (n *namespaceObjects) names(ctx context.Context, eng *engine.Engine, env policy.Env) ([]string, error) {
	n.mu.Lock()
	names, ok := n.byNS[env.Namespace.Name]
	n.mu.Unlock()
	if ok {
		return names, nil
	}
	objs, err := eng.GenerateNamespace(ctx, env)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		names = append(names, engine.Describe(o))
	}
	n.mu.Lock()
	n.byNS[env.Namespace.Name] = names
	n.mu.Unlock()
	return names, nil
}
