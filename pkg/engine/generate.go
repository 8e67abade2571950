package engine

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// GenerateNamespace describes the objects the namespace in env should have.
func (e *Engine) GenerateNamespace(ctx context.Context, env policy.Env) ([]Object, error) {
	env.Policy = e.policy
	var out []Object
	for _, g := range e.nsGens {
		objs, err := g.GenerateNamespace(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("generator %s for namespace %s: %w", g.Name(), env.Namespace.Name, err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// Elsewhere is a NamespaceGenerator whose objects live in another
// namespace than the one they are for (Velero reads Schedules only in its
// own): the namespace reconciler prunes there too.
type Elsewhere interface {
	Namespaces(p *policy.Policy) []string
}

// NamespaceTargets are the namespaces other than a namespace's own where
// namespace generators put its objects, without repeats.
func (e *Engine) NamespaceTargets() []string {
	var out []string
	for _, g := range e.nsGens {
		if el, ok := g.(Elsewhere); ok {
			for _, ns := range el.Namespaces(e.policy) {
				if !slices.Contains(out, ns) {
					out = append(out, ns)
				}
			}
		}
	}
	return out
}

// WorkloadKinds and NamespaceKinds are the kinds the generators of each scope
// write, in order and without repeats.
func (e *Engine) WorkloadKinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for _, g := range e.generators {
		out = appendNew(out, g.Kinds()...)
	}
	return out
}

// NamespaceKinds: see WorkloadKinds.
func (e *Engine) NamespaceKinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for _, g := range e.nsGens {
		out = appendNew(out, g.Kinds()...)
	}
	return out
}

// Consulter is a mutator or validator whose outcome depends on whether the
// cluster serves some kinds (policy.Env.Serves): scrape annotations stand in
// for a PodMonitor the cluster cannot take. The adapters ask discovery about
// these kinds even where the engine has no generators (admission only).
type Consulter interface {
	Consults() []schema.GroupVersionKind
}

// Kinds are every kind the engine writes or consults, in order and without
// repeats: what the adapters ask discovery about at start.
func (e *Engine) Kinds() []schema.GroupVersionKind {
	out := slices.Concat(e.WorkloadKinds(), e.NamespaceKinds(), e.ClusterKinds())
	for _, s := range e.steps {
		if c, ok := s.Mutator.(Consulter); ok {
			out = append(out, c.Consults()...)
		}
	}
	for _, v := range e.validators {
		if c, ok := v.(Consulter); ok {
			out = append(out, c.Consults()...)
		}
	}
	return appendNew(nil, out...)
}

func appendNew(list []schema.GroupVersionKind, gvks ...schema.GroupVersionKind) []schema.GroupVersionKind {
	for _, g := range gvks {
		if !slices.Contains(list, g) {
			list = append(list, g)
		}
	}
	return list
}

// NamespaceGenerators returns the namespace-scoped generators, for pave explain.
func (e *Engine) NamespaceGenerators() []NamespaceGenerator {
	return append([]NamespaceGenerator(nil), e.nsGens...)
}

// Generators returns the workload-scoped generators, for pave explain.
func (e *Engine) Generators() []Generator { return append([]Generator(nil), e.generators...) }

// Generate describes the companion objects w should have.
func (e *Engine) Generate(ctx context.Context, w *workload.Workload, env policy.Env) ([]Object, error) {
	env.Policy = e.policy
	var out []Object
	for _, g := range e.generators {
		if err := ctx.Err(); err != nil {
			return nil, interrupted(w, err)
		}
		objs, err := g.Generate(ctx, w, env)
		if err != nil {
			return nil, fmt.Errorf("generator %s on %s %s: %w", g.Name(), w.Kind, w.Name(), err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// ClusterGenerator describes cluster-scoped objects that follow from the
// policy alone (the guard on namespace labels; later the zone boundaries).
// A cluster reconciler applies and prunes them.
type ClusterGenerator interface {
	Name() string
	Kinds() []schema.GroupVersionKind
	GenerateCluster(ctx context.Context, p *policy.Policy) ([]Object, error)
}

// GenerateCluster describes the cluster-scoped objects the policy wants.
func (e *Engine) GenerateCluster(ctx context.Context) ([]Object, error) {
	var out []Object
	for _, g := range e.clusterGens {
		objs, err := g.GenerateCluster(ctx, e.policy)
		if err != nil {
			return nil, fmt.Errorf("generator %s: %w", g.Name(), err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// ClusterKinds: see WorkloadKinds.
func (e *Engine) ClusterKinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for _, g := range e.clusterGens {
		out = appendNew(out, g.Kinds()...)
	}
	return out
}

// ClusterGenerators returns the cluster-scoped generators, for pave explain.
func (e *Engine) ClusterGenerators() []ClusterGenerator {
	return append([]ClusterGenerator(nil), e.clusterGens...)
}
