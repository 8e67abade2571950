// Package check runs the engine over manifests offline, as `pave check` does:
// read, split, decode once, then evaluate the objects in parallel, keeping the
// input order in the report.
package check

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// Options configure a run.
type Options struct {
	Engine *engine.Engine
	// Env holds what the input cannot say: the labels of namespaces it does
	// not define (Namespace.Labels), the exceptions, and the time.
	Env policy.Env
	// DefaultNamespace is used for namespaced objects that name none.
	DefaultNamespace string
	// Render keeps each object's mutated JSON in the report.
	Render bool
	// Workers is the number of parallel evaluators; 0 means GOMAXPROCS.
	Workers int
	// ParseOnly skips the engine: the benchmark's baseline.
	ParseOnly bool
	// Ungoverned are the namespaces pave's webhooks never match (the control
	// plane's and pave's own): their objects are reported skipped, as
	// admission never sees them.
	Ungoverned []string
	// Guards are ValidatingAdmissionPolicies the objects are judged by too,
	// as created by a requester in Groups (pave check --as-team: pave's own
	// guards, judged for a team member, whom they do not trust).
	Guards []*admissionregistrationv1.ValidatingAdmissionPolicy
	Groups []string
	// FieldLines locates each finding and unknown field at the line of the
	// input that writes its field (Object.FieldLines).
	FieldLines bool
}

// Object is the verdict on one object of the input.
type Object struct {
	Source     string `json:"file"`
	Line       int    `json:"line"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	// GenerateName is the prefix the API server names an object without a
	// name by.
	GenerateName string `json:"generateName,omitempty"`
	Namespace    string `json:"namespace"`
	// Workload is true for every object pave judged: a workload, or a kind
	// without a pod template that its object rules govern (a Service).
	Workload bool `json:"workload"`
	// Skipped says why pave does not judge an object it would judge
	// elsewhere: its namespace is one pave's webhooks never match.
	Skipped    string             `json:"skipped,omitempty"`
	Allowed    bool               `json:"allowed"`
	Mutators   []string           `json:"mutators,omitempty"`
	Violations []policy.Violation `json:"violations,omitempty"`
	Warnings   []string           `json:"warnings,omitempty"`
	// UnknownFields are the fields of the object its kind does not have, in
	// the API server's words (`unknown field "spec.x"`): kubectl's strict
	// field validation, on by default, refuses the object before admission
	// sees it. Notes words them for people.
	UnknownFields []string `json:"unknownFields,omitempty"`
	// FieldLines are the lines of the input that write the fields the
	// findings and unknown fields name (of the deepest part written, for a
	// field left out), by field, where Options.FieldLines asked for them.
	FieldLines map[string]int `json:"fieldLines,omitempty"`
	// Companions name the objects pave's controller would keep beside this
	// workload ("DestinationRule shop/pave-web").
	Companions []string `json:"companions,omitempty"`
	// Rendered is the object after mutation (unchanged for non-workloads), as
	// JSON, when Options.Render is set; RenderedCompanions are its companion
	// objects, in the order of Companions.
	Rendered           json.RawMessage   `json:"-"`
	RenderedCompanions []json.RawMessage `json:"-"`
}

// LineOf is the line of the input that writes field, where FieldLines
// has it, else the object's own line.
func (o Object) LineOf(field string) int {
	if line, ok := o.FieldLines[field]; ok {
		return line
	}
	return o.Line
}

// Called is the name the object goes by in messages: its name, or its
// generateName.
func (o Object) Called() string { return manifest.Called(o.Name, o.GenerateName) }

// Described is o as engine.Describe names a companion ("Kind ns/name"):
// the key an object of the input and a workload's companion share.
func (o Object) Described() string { return o.Kind + " " + o.Namespace + "/" + o.Name }

// Notes are what a report tells of o beside its violations: the engine's
// warnings, then its unknown fields, each with what to do.
func (o Object) Notes() []string {
	notes := slices.Clone(o.Warnings)
	for _, u := range o.UnknownFields {
		notes = append(notes, UnknownFieldNote(u))
	}
	return notes
}

// Warns reports whether o holds what `--fail-on warn` fails on: a finding
// that warns, or a field kubectl's strict validation refuses. The exit code
// and the summary's count of warned objects both read it.
func (o Object) Warns() bool {
	return len(o.UnknownFields) > 0 || slices.ContainsFunc(o.Violations, func(v policy.Violation) bool {
		return v.Outcome() == policy.OutcomeWarn
	})
}

// Fails reports whether o fails a run: denied, or, where the run fails on
// warnings too (`--fail-on warn`), what Warns names.
func (o Object) Fails(onWarn bool) bool {
	return !o.Allowed || onWarn && o.Warns()
}

// UnknownFieldNote words an unknown field for people, with what to do.
func UnknownFieldNote(field string) string {
	return field + ": kubectl refuses the object (the API server's strict field validation); check the spelling, or the cluster runs a newer Kubernetes that has the field"
}

// Report is the outcome of a run: objects in input order, and the documents or
// paths that could not be read, each with its file and line.
type Report struct {
	Objects []Object
	Errors  []error
}

// Run checks every document of the inputs. The documents are decoded, then
// their objects checked, each step spread over the workers: the items of one
// large List (what `kubectl get -o yaml` writes) are checked in parallel as
// documents are, where one worker used to check them all.
func Run(ctx context.Context, inputs []manifest.Input, opts Options) *Report {
	var docs []manifest.Document
	for _, in := range inputs {
		docs = append(docs, manifest.Split(in.Source, in.Data)...)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	decoded := make([][]manifest.Object, len(docs))
	decodeErrs := make([]error, len(docs))
	parallel(workers, len(docs), func(i int) {
		decoded[i], decodeErrs[i] = manifest.Decode(docs[i])
	})
	var objs []manifest.Object
	for i, d := range decoded {
		if decodeErrs[i] == nil {
			objs = append(objs, d...)
		}
	}
	// The input's Namespaces, StorageClasses, canaries and CRDs, read off
	// the decoded objects, are what every object is judged in.
	scopes := manifest.ScopesOf(objs)
	for i := range objs { // once, for the environment and the judging alike
		o := &objs[i]
		if scopes.ClusterScoped(o.APIVersion, o.Kind) {
			o.Namespace = "" // the API server drops it; nothing pave judges is cluster-scoped
		} else if o.Namespace == "" {
			o.Namespace = opts.DefaultNamespace
		}
	}
	guards, err := evaluate.CompileAll(opts.Guards) // once per run
	if err != nil {
		return &Report{Errors: []error{fmt.Errorf("guard: %w", err)}}
	}
	run := &judge{opts: &opts, env: builder(objs, opts), ns: newNamespaceObjects(), guards: guards}
	checked := make([]Object, len(objs))
	errs := make([]error, len(objs))
	parallel(workers, len(objs), func(i int) {
		o := &objs[i]
		if err := run.object(ctx, o, &checked[i]); err != nil {
			errs[i] = o.Located(err)
		}
	})
	if opts.FieldLines {
		locate(workers, objs, checked)
	}
	run.ownCompanions(ctx, objs, checked, errs)
	listOnce(checked)

	// In input order: a document that does not decode is one error, an
	// object that cannot be checked is one, and the others are reported.
	rep := &Report{}
	if len(objs) > 0 {
		rep.Objects = make([]Object, 0, len(objs))
	}
	k := 0
	for i := range docs {
		if decodeErrs[i] != nil {
			rep.Errors = append(rep.Errors, decodeErrs[i])
			continue
		}
		for range decoded[i] {
			if errs[k] != nil {
				rep.Errors = append(rep.Errors, errs[k])
			} else {
				rep.Objects = append(rep.Objects, checked[k])
			}
			k++
		}
	}
	return rep
}

// parallel calls f with every index below n, on workers goroutines that
// claim indexes in turn. A channel fed by a producer goroutine left both
// cores half idle: with every P busy, each handoff waited for the producer
// to be scheduled.
func parallel(workers, n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
