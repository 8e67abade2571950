package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	gomodulesjsonpatch "gomodules.xyz/jsonpatch/v2"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// judge is what the objects of one run are judged with: the options, the
// environment read off the input, and the companions of each namespace,
// named once per run.
type judge struct {
	opts   *Options
	env    environment.Builder
	ns     *namespaceObjects
	guards []*evaluate.Compiled // Options.Guards, compiled once per run
}

// object judges o into r, as admission would: by pave's rules, then by the
// guards the API server would judge it with (Options.Guards), whatever its
// kind.
func (j *judge) object(ctx context.Context, o *manifest.Object, r *Object) error {
	if err := j.byRules(ctx, o, r); err != nil || r.Skipped != "" || j.opts.ParseOnly {
		return err
	}
	return j.guarded(ctx, o, r)
}

// byRules judges o into r by pave's rules.
func (j *judge) byRules(ctx context.Context, o *manifest.Object, r *Object) error {
	opts := j.opts
	*r = Object{Source: o.Source, Line: o.Line, APIVersion: o.APIVersion, Kind: o.Kind, Name: o.Name, GenerateName: o.GenerateName, Namespace: o.Namespace, Allowed: true}
	if opts.Render {
		r.Rendered = o.JSON
	}
	if o.Namespace != "" && slices.Contains(opts.Ungoverned, o.Namespace) { // allowed as it is, unjudged
		r.Skipped = "namespace " + o.Namespace + " is not governed: pave's webhooks never match it"
		return nil
	}
	if opts.ParseOnly {
		return nil
	}
	if err := namespaceError(o.Namespace); err != nil {
		return fmt.Errorf("%s %s: %w", o.Kind, o.Called(), err)
	}
	if !workload.Supported(o.APIVersion, o.Kind) {
		if err := unservedKind(o.APIVersion, o.Kind, o.Called()); err != nil { // kubectl would send nothing
			return err
		}
		return j.other(ctx, o, r)
	}
	w, unknown, err := workload.FromJSONKnown(o.APIVersion, o.Kind, o.JSON)
	if big, ok := err.(*workload.OversizedError); ok { // judged as admission judges it
		r.Workload, r.Allowed = true, false
		r.Violations = []policy.Violation{engine.OversizedViolation(big)}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", o.Kind, o.Called(), err)
	}
	named := metaErrors(w.Kind, w.Meta) // refused with what the API server finds in the rest
	apiDefaults(w)                      // admission judges the object as the API server defaulted it
	if err := invalidResources(w, named); err != nil {
		return err
	}
	req := environment.Request{Namespace: r.Namespace, Exceptions: true, Budgets: true, StorageClasses: true, IstioRules: true}
	req.AskPriority(w.PodSpec)
	if _, isCanary := w.Meta.Annotations[v1alpha1.AnnotationCanaryOf]; w.Kind == "Deployment" && !isCanary {
		req.CanaryOf = w.Name()
	}
	env, err := j.env.Env(ctx, opts.Engine.Policy(), req)
	if err != nil {
		return err
	}
	if err := refusedPriority(w, env.Priority); err != nil {
		return err
	}
	var res *engine.Result
	var nsNames []string
	if opts.Render {
		res, err = opts.Engine.Run(ctx, w, env) // the patch needs the original
	} else {
		env.NamesOnly = true // the companions are listed, not printed
		// A denied workload has no companions (Result.Objects), so its
		// namespace's go with the first workload admitted.
		if res, err = opts.Engine.JudgeInPlace(ctx, w, env); err == nil && res.Allowed() {
			nsNames, err = j.ns.names(ctx, opts.Engine, env)
		}
	}
	if err != nil {
		return err
	}
	if err := invalidTemplate(res.Mutated, named); err != nil {
		return err
	}
	r.Workload, r.Allowed = true, res.Allowed()
	r.Mutators, r.Violations, r.Warnings, r.UnknownFields = res.Mutators, res.Violations, res.Warnings, unknown
	if n := len(res.Objects) + len(nsNames); n > 0 {
		r.Companions = make([]string, 0, n)
		for _, c := range res.Objects {
			r.Companions = append(r.Companions, engine.Describe(c))
		}
		r.Companions = append(r.Companions, nsNames...)
	}
	if opts.Render {
		if r.Rendered, err = applyPatch(o.JSON, res); err != nil {
			return err
		}
		for _, c := range res.Objects {
			js, err := json.Marshal(c)
			if err != nil {
				return fmt.Errorf("encode %s: %w", engine.Describe(c), err)
			}
			r.RenderedCompanions = append(r.RenderedCompanions, js)
		}
	}
	return nil
}

// other judges an object without a pod template, when the engine governs
// its kind; others are skipped.
func (j *judge) other(ctx context.Context, o *manifest.Object, r *Object) error {
	opts := j.opts
	gvk := object.Equivalent(schema.FromAPIVersionAndKind(o.APIVersion, o.Kind))
	if !opts.Engine.Governs(gvk) && !opts.Engine.Completes(gvk) {
		return unjudged(o, gvk, r)
	}
	obj, unknown, err := object.DecodeKnown(gvk, o.JSON)
	if err != nil {
		return err
	}
	if err := invalidObject(o.Kind, obj); err != nil {
		return err
	}
	req := environment.Request{Namespace: r.Namespace, Exceptions: true, StorageClasses: true}
	if ingress.NamesHosts(obj) {
		req.Routing = obj // judged against the input's other Ingresses or routes
		if obj.GetNamespace() == "" {
			obj.SetNamespace(r.Namespace) // as the API server does: a VirtualService's short hosts are its namespace's Services
		}
	}
	env, err := j.env.Env(ctx, opts.Engine.Policy(), req)
	if err != nil {
		return err
	}
	// Completed as at its creation, then judged as stored.
	if opts.Engine.Completes(gvk) {
		res, err := opts.Engine.MutateObject(ctx, obj, env)
		if err != nil {
			return err
		}
		r.Mutators, obj = res.Mutators, res.Mutated
		if opts.Render && len(res.Mutators) > 0 {
			ops, err := res.Patch(o.JSON)
			if err != nil {
				return err
			}
			if r.Rendered, err = patched(o.JSON, ops); err != nil {
				return err
			}
		}
	}
	r.UnknownFields = unknown
	if !opts.Engine.Governs(gvk) {
		return nil
	}
	vs, warnings, err := opts.Engine.ValidateObject(ctx, obj, nil, env)
	if err != nil {
		return err
	}
	r.Workload, r.Violations, r.Warnings = true, vs, warnings
	r.Allowed = !slices.ContainsFunc(vs, policy.Violation.Denies)
	return nil
}

// applyPatch applies the engine's patch to the object as it was written, the way
// the API server applies a webhook's patch, so fields pave's types do not know
// survive.
func applyPatch(raw []byte, res *engine.Result) ([]byte, error) {
	ops, err := res.Patch(raw)
	if err != nil {
		return raw, err
	}
	return patched(raw, ops)
}

func patched(raw []byte, ops []gomodulesjsonpatch.Operation) ([]byte, error) {
	if len(ops) == 0 {
		return raw, nil
	}
	pj, err := engine.EncodePatch(ops)
	if err != nil {
		return nil, fmt.Errorf("encode patch: %w", err)
	}
	p, err := jsonpatch.DecodePatch(pj)
	if err != nil {
		return nil, fmt.Errorf("decode patch: %w", err)
	}
	out, err := p.Apply(raw)
	if err != nil {
		return nil, fmt.Errorf("apply patch: %w", err)
	}
	return out, nil
}
