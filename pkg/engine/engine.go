// Package engine is pave's pure pipeline: a workload and its environment in, a
// Result out (the mutated object, its patch, the violations, the companion
// objects). It does no I/O, reads no clock and logs nothing, so the webhook, the
// CLI and the audit give the same answer for the same input.
package engine

import (
	"context"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Engine is a compiled pipeline for one policy. It is safe for concurrent use.
type Engine struct {
	policy     *policy.Policy
	steps      []Step
	validators []Validator
	generators []Generator
	nsGens     []NamespaceGenerator
	// objValidators judge the kinds without a pod template, objKinds.
	objValidators []ObjectValidator
	objKinds      []schema.GroupVersionKind
	// objMutators complete the kinds without a pod template, objMutKinds.
	objMutators []ObjectMutator
	objMutKinds []schema.GroupVersionKind
	objUpdKinds []schema.GroupVersionKind // of objMutKinds, those updates complete too
	clusterGens []ClusterGenerator
	// rules holds every rule by id with the policy's overrides applied.
	rules map[string]policy.Rule
	// encodings remembers the encodings of the values mutations add.
	encodings *encodings
	// walkers are lent to the patches, from one to the next.
	walkers *walkers
	// scopes are where the steps may change a workload, by kind (nil:
	// anywhere).
	scopes map[string]*scope
}

// New builds an engine. Steps are sorted by phase, then name; a policy that
// overrides a rule no validator has is an error, since the override would
// silently do nothing.
func New(p *policy.Policy, pl Pipeline) (*Engine, error) {
	steps, validators := append([]Step(nil), pl.Steps...), pl.Validators
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Phase != steps[j].Phase {
			return steps[i].Phase < steps[j].Phase
		}
		return steps[i].Mutator.Name() < steps[j].Mutator.Name()
	})
	e := &Engine{policy: p, steps: steps, validators: validators, generators: pl.Generators, nsGens: pl.NamespaceGenerators,
		objValidators: pl.ObjectValidators, objMutators: pl.ObjectMutators, clusterGens: pl.ClusterGenerators, rules: map[string]policy.Rule{},
		encodings: newEncodings(rememberedEncodings), walkers: &walkers{}, scopes: scopes(steps)}
	// One validator may judge workloads and other kinds under the same rule
	// (storage.Encrypted); two validators may not share a rule.
	declaredBy := map[string]string{}
	declare := func(name string, rules []policy.Rule) error {
		for _, r := range rules {
			if by, dup := declaredBy[r.ID]; dup && by == name {
				continue
			} else if dup {
				return fmt.Errorf("rule %s is declared twice (validators %s and %s)", r.ID, by, name)
			}
			declaredBy[r.ID] = name
			e.rules[r.ID] = p.Apply(r)
		}
		return nil
	}
	for _, v := range validators {
		if err := declare(v.Name(), v.Rules()); err != nil {
			return nil, err
		}
	}
	for _, v := range pl.ObjectValidators {
		if err := declare(v.Name(), v.Rules()); err != nil {
			return nil, err
		}
	}
	for _, v := range pl.ObjectValidators {
		e.objKinds = appendNew(e.objKinds, v.Kinds()...)
	}
	for _, m := range pl.ObjectMutators {
		e.objMutKinds = appendNew(e.objMutKinds, m.Kinds()...)
		if _, ok := m.(UpdateCompleter); ok {
			e.objUpdKinds = appendNew(e.objUpdKinds, m.Kinds()...)
		}
	}
	e.rules[RulePodSize.ID] = RulePodSize // not p.Apply'd: it bounds pave's own cost
	for _, id := range p.RuleIDs() {
		if id == RulePodSize.ID {
			return nil, fmt.Errorf("policy spec.rules: %s cannot be relaxed: it bounds the work of one admission request", id)
		}
		if _, ok := e.rules[id]; !ok {
			return nil, fmt.Errorf("policy spec.rules: unknown rule %q; `pave explain` lists the rules", id)
		}
	}
	return e, nil
}

// Policy returns the policy the engine was built for.
func (e *Engine) Policy() *policy.Policy { return e.policy }

// Steps returns the mutators in the order they run.
func (e *Engine) Steps() []Step { return append([]Step(nil), e.steps...) }

// Rules returns every rule with its effective mode and severity, sorted by id.
func (e *Engine) Rules() []policy.Rule {
	out := make([]policy.Rule, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Run simulates admission: mutate, then validate the result, then describe the
// companion objects of what it admits. The input workload is not changed.
func (e *Engine) Run(ctx context.Context, w *workload.Workload, env policy.Env) (*Result, error) {
	r, err := e.Mutate(ctx, w, env)
	if err != nil {
		return nil, err
	}
	return e.finish(ctx, r, env, true)
}

// RunInPlace is Run without the copy: w itself is mutated and the Result has no
// Original (so no Patch). For callers that throw the input away, like
// `pave check` without --render, where the copy was a fifth of the engine's
// allocations.
func (e *Engine) RunInPlace(ctx context.Context, w *workload.Workload, env policy.Env) (*Result, error) {
	r := &Result{Mutated: w}
	if err := e.mutate(ctx, r, env); err != nil {
		return nil, err
	}
	return e.finish(ctx, r, env, true)
}

// JudgeInPlace is RunInPlace without the namespace's own objects
// (GenerateNamespace): for a caller that judges many workloads of one
// namespace and generates those once, as pave check does.
func (e *Engine) JudgeInPlace(ctx context.Context, w *workload.Workload, env policy.Env) (*Result, error) {
	r := &Result{Mutated: w}
	if err := e.mutate(ctx, r, env); err != nil {
		return nil, err
	}
	return e.finish(ctx, r, env, false)
}

// Findings is Run without the companions: the findings admission gives w,
// mutated then validated, and no Objects (JudgeInPlace, unlike it, makes
// the workload's). For callers that read nothing else, as the background
// audit and pave preflight judge every workload of the cluster: each Run
// made, and dropped, every admitted workload's companions.
func (e *Engine) Findings(ctx context.Context, w *workload.Workload, env policy.Env) (*Result, error) {
	r, err := e.Mutate(ctx, w, env)
	if err != nil {
		return nil, err
	}
	return r, e.judge(ctx, r, env)
}

// judge validates r's mutated object into its findings.
func (e *Engine) judge(ctx context.Context, r *Result, env policy.Env) error {
	env.Policy = e.policy
	var err error
	r.Violations, r.Warnings, err = e.validate(ctx, r.Mutated, env)
	return err
}

// finish validates and, when admission allows the object, generates; with
// namespace, the namespace's own objects are among the result's. A denied
// object gets none: it is never stored, so pave's controller never writes
// them (admission's dry run names none either). The controller generates
// for what exists (Generate), denied or not.
func (e *Engine) finish(ctx context.Context, r *Result, env policy.Env, namespace bool) (*Result, error) {
	if err := e.judge(ctx, r, env); err != nil {
		return nil, err
	}
	if !r.Allowed() {
		return r, nil
	}
	objs, err := e.Generate(ctx, r.Mutated, env)
	if err != nil {
		return nil, err
	}
	r.Objects = objs
	if namespace {
		nsObjs, err := e.GenerateNamespace(ctx, env)
		if err != nil {
			return nil, err
		}
		r.Objects = append(r.Objects, nsObjs...)
	}
	return r, nil
}

// Mutate runs the mutators on a copy of w that owns what their scope names
// (copyInScope).
func (e *Engine) Mutate(ctx context.Context, w *workload.Workload, env policy.Env) (*Result, error) {
	if oversized(w) {
		return &Result{Original: w, Mutated: w}, nil // judged, never completed: see bounds.go
	}
	sc := e.scopes[w.Kind]
	r := &Result{Original: w, Mutated: copyInScope(w, sc), encodings: e.encodings, walkers: e.walkers, scope: sc}
	if err := e.mutate(ctx, r, env); err != nil {
		return nil, err
	}
	return r, nil
}

func (e *Engine) mutate(ctx context.Context, r *Result, env policy.Env) error {
	env.Policy = e.policy
	w := r.Mutated
	if oversized(w) || workload.TemplateOfItsOwner(w) {
		return nil
	}
	var err error
	r.Mutators, err = e.runSteps(ctx, w, env, r.Mutators)
	return err
}

// runSteps runs the mutators on w in order, appending the names of those
// that changed it to changed.
func (e *Engine) runSteps(ctx context.Context, w *workload.Workload, env policy.Env, changed []string) ([]string, error) {
	for _, s := range e.steps {
		if err := ctx.Err(); err != nil {
			return changed, interrupted(w, err)
		}
		did, err := s.Mutator.Mutate(ctx, w, env)
		if err != nil {
			return changed, fmt.Errorf("mutator %s on %s %s: %w", s.Mutator.Name(), w.Kind, w.Name(), err)
		}
		if did {
			changed = append(changed, s.Mutator.Name())
		}
	}
	return changed, nil
}

// Validate judges w as it is, without mutating it: the validating webhook's
// final-state check. It fails only when ctx ends first.
func (e *Engine) Validate(ctx context.Context, w *workload.Workload, env policy.Env) ([]policy.Violation, []string, error) {
	env.Policy = e.policy
	return e.validate(ctx, w, env)
}

func (e *Engine) validate(ctx context.Context, w *workload.Workload, env policy.Env) ([]policy.Violation, []string, error) {
	if oversized(w) {
		return []policy.Violation{podSizeViolation(w)}, nil, nil
	}
	w, err := e.asItsPods(ctx, w, env)
	if err != nil {
		return nil, nil, err
	}
	var out []policy.Violation
	for _, v := range e.validators {
		// Validators may stop early when ctx ends; what they return then is
		// incomplete, so the deadline is checked after each one.
		found := v.Validate(ctx, w, env)
		if err := ctx.Err(); err != nil {
			return nil, nil, interrupted(w, err)
		}
		out = e.withModes(out, found)
	}
	vs, warnings := applyExceptions(bound(out), workloadSubject(w), env)
	waiveDebug(vs, e.policy)
	return vs, warnings, nil
}

// withModes appends found to out with the mode and severity the policy gives
// each rule.
func (e *Engine) withModes(out, found []policy.Violation) []policy.Violation {
	for _, v := range found {
		r := e.rules[v.Rule]
		v.Mode, v.Severity = r.Mode, r.Severity
		out = append(out, v)
	}
	return out
}

// interrupted says that a request ran out of time, naming the object.
func interrupted(w *workload.Workload, err error) error {
	return interruptedObject(workloadSubject(w), err)
}

func interruptedObject(s subject, err error) error {
	return fmt.Errorf("judging %s %s was stopped before it finished: %w", s.Kind, s.Name(), err)
}
