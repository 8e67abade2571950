package engine

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Mutator completes a workload. It reports whether it changed anything and must
// change nothing when run on its own output. The workload is a copy that
// owns only what the mutators' scopes name and shares the rest with the
// original (copyInScope), the containers' resource lists too: a mutator
// writes nowhere outside its Scope, and replaces a resource list
// (workload.WritableResources) before setting in it.
type Mutator interface {
	Name() string
	Mutate(ctx context.Context, w *workload.Workload, env policy.Env) (changed bool, err error)
}

// Validator judges the final state of a workload.
type Validator interface {
	Name() string
	// Rules lists every rule the validator can report, with its defaults.
	Rules() []policy.Rule
	Validate(ctx context.Context, w *workload.Workload, env policy.Env) []policy.Violation
}

// Object is a Kubernetes object with metadata: what generators return, the
// same method set as controller-runtime's client.Object. It is an alias of an
// interface literal, so generator packages can name the identical type
// without importing the engine (which imports them).
type Object = interface {
	metav1.Object
	runtime.Object
}

// Generator describes companion objects that should exist beside a workload,
// owned by it. The engine never creates them; the controller applies them.
type Generator interface {
	Name() string
	// Kinds lists every kind the generator may write: the controller watches,
	// prunes and needs RBAC for exactly these.
	Kinds() []schema.GroupVersionKind
	Generate(ctx context.Context, w *workload.Workload, env policy.Env) ([]Object, error)
}

// NamespaceGenerator describes objects one per namespace, shared by its
// workloads and owned by the Namespace (the mesh's mTLS mode; later zones'
// and tiers' objects). A namespace reconciler applies and prunes them.
type NamespaceGenerator interface {
	Name() string
	Kinds() []schema.GroupVersionKind
	GenerateNamespace(ctx context.Context, env policy.Env) ([]Object, error)
}

// Pipeline is what an engine runs, in one place: engine.Default builds it.
type Pipeline struct {
	Steps               []Step
	Validators          []Validator
	Generators          []Generator
	NamespaceGenerators []NamespaceGenerator
	ObjectValidators    []ObjectValidator
	ObjectMutators      []ObjectMutator
	ClusterGenerators   []ClusterGenerator
}

// Phase orders mutators: defaults first, hardening last, so hardening sees every
// container another mutator added.
type Phase int

// The phases, in the order they run.
const (
	PhaseDefaults Phase = iota
	PhasePlatform
	PhaseMesh
	PhaseHardening
)

func (p Phase) String() string {
	return [...]string{"defaults", "platform", "mesh", "hardening"}[p]
}

// Step is one mutator in its phase.
type Step struct {
	Phase   Phase
	Mutator Mutator
}
