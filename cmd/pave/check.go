package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/internal/gcbudget"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/report"
)

type checkFlags struct {
	files      []string
	output     string
	policyFile string
	render     bool
	failOn     string
	namespace  string
	nsLabels   map[string]string
	now        string
	parseOnly  bool
	// paveNamespace is pave's own namespace, which its webhooks skip, as
	// they skip excluded.
	paveNamespace string
	excluded      []string
	// asTeam judges by pave's guards too, as for a team member.
	asTeam bool
	// fieldLines locates each finding at its field's line in -o json.
	fieldLines bool
}

func newCheckCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [-f FILE|DIR|-]...",
		Short: "Check manifests offline: mutate, then validate, as admission would",
		Long: `check runs pave's engine on Kubernetes manifests without a cluster: every
workload is mutated, then validated, exactly as the admission webhooks would.
Files, directories (recursively) and - for stdin are read; multi-document YAML
and Lists work (any object with items, as kubectl reads it). A document that is not a Kubernetes object is reported
with its file and line and does not stop the others.

Exit codes: 0 clean, 1 a violation denies an object (or warns, with
--fail-on warn), 2 bad input or usage (wins over 1).`,
		Example: `  pave check -f deploy/
  helm template ./chart | pave check -f -
  kustomize build overlays/prod | pave check -f - -o sarif > pave.sarif
  pave check -f deploy/ -o json --field-lines
  pave check -f app.yaml --render > app.mutated.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd, append(f.files, args...), f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.files, "filename", "f", nil, "file, directory or - (stdin); repeatable")
	fl.StringVarP(&f.output, "output", "o", "table", "report format: "+strings.Join(report.Formats, ", "))
	fl.StringVar(&f.policyFile, "policy", "", "policy file: a PlatformPolicy and/or PolicyExceptions (default: the built-in policy)")
	fl.BoolVar(&f.render, "render", false, "print the mutated objects as YAML on stdout; the report then goes to stderr")
	fl.StringVar(&f.failOn, "fail-on", "enforce", "lowest mode that fails the check: enforce or warn")
	fl.StringVarP(&f.namespace, "namespace", "n", "default", "namespace for objects that name none")
	fl.StringVar(&f.paveNamespace, "pave-namespace", v1alpha1.DefaultPaveNamespace, "the namespace pave runs in: like the control plane's, its objects are not judged, as the webhooks never match it")
	fl.StringSliceVar(&f.excluded, "exclude-namespaces", nil, "namespaces the webhook configurations exclude besides the control plane's and pave's (the chart's webhooks.excludeNamespaces): their objects are not judged either")
	fl.StringToStringVar(&f.nsLabels, "namespace-labels", nil, "labels of the namespace, as the cluster would have them (team=payments,pave.dev/zone=internal)")
	fl.StringVar(&f.now, "now", "", "judge exception expiry at this RFC 3339 time (default: now)")
	fl.BoolVar(&f.asTeam, "as-team", false, "judge as the API server judges a team member's kubectl apply: also by the ValidatingAdmissionPolicies pave writes (NetworkPolicies that leave the namespace, keys of the secret store, claims that name their volume, Ingress snippets, Pods that name their node), which trust only the platform team")
	fl.BoolVar(&f.fieldLines, "field-lines", false, "give each finding's field its line of the input: in the table as file:line after the field, with -o json as fieldLines; the fields' objects are parsed again; sarif and junit always locate findings so")
	fl.BoolVar(&f.parseOnly, "parse-only", false, "read and decode only, run no rules (the benchmark's baseline)")
	_ = fl.MarkHidden("parse-only")
	return cmd
}

func runCheck(cmd *cobra.Command, paths []string, f checkFlags) error {
	bad := func(err error) error { return &exitError{code: exitBadInput, err: err} }
	if len(paths) == 0 {
		return bad(fmt.Errorf("nothing to check: name files or directories with -f, or -f - for stdin"))
	}
	if !slices.Contains(report.Formats, f.output) {
		return bad(fmt.Errorf("--output %q: use one of %s", f.output, strings.Join(report.Formats, ", ")))
	}
	if err := check.NamespaceNameError(f.namespace); err != nil {
		return bad(fmt.Errorf("--namespace: %w", err))
	}
	if f.failOn != "enforce" && f.failOn != "warn" {
		return bad(fmt.Errorf("--fail-on %q: use enforce or warn", f.failOn))
	}
	now := time.Now()
	if f.now != "" {
		t, err := time.Parse(time.RFC3339, f.now)
		if err != nil {
			return bad(fmt.Errorf("--now %q: not an RFC 3339 time such as 2026-01-02T15:04:05Z", f.now))
		}
		now = t
	}
	pol, exceptions := policy.Default(), []v1alpha1.PolicyException(nil)
	if f.policyFile != "" {
		var err error
		if pol, exceptions, err = readPolicyFile(cmd.Context(), f.policyFile); err != nil {
			return bad(fmt.Errorf("--policy: %w", err))
		}
	}
	eng, err := companions.Engine(pol)
	if err != nil {
		return bad(fmt.Errorf("--policy %s: %w", f.policyFile, err))
	}

	var guards []*admissionregistrationv1.ValidatingAdmissionPolicy
	if f.asTeam {
		if guards, err = companions.Guards(cmd.Context(), pol, v1alpha1.Install{PaveNamespace: f.paveNamespace, Excluded: f.excluded}); err != nil {
			return bad(fmt.Errorf("--as-team: %w", err))
		}
	}

	inputs, readErrs := manifest.ReadPaths(paths, cmd.InOrStdin())
	tuneGC(inputs)
	rep := check.Run(cmd.Context(), inputs, check.Options{
		Guards:           guards,
		Groups:           []string{"system:authenticated"},
		Engine:           eng,
		Env:              policy.Env{Namespace: policy.Namespace{Labels: f.nsLabels}, Now: now, Exceptions: exceptions},
		DefaultNamespace: f.namespace,
		Render:           f.render,
		ParseOnly:        f.parseOnly,
		Ungoverned:       v1alpha1.Ungoverned(f.paveNamespace, f.excluded...),
		// Locating a finding parses its object again, about 40% more time
		// on a corpus of findings (decisions.md): code scanning (SARIF) and
		// test reports (JUnit) place findings by line, JSON readers and
		// people at the table ask.
		FieldLines: f.output == "sarif" || f.output == "junit" || f.fieldLines,
	})
	rep.Errors = append(readErrs, rep.Errors...)
	if len(rep.Objects) == 0 && len(rep.Errors) == 0 {
		rep.Errors = append(rep.Errors, noObjects(paths))
	}

	reportTo := cmd.OutOrStdout()
	if f.render {
		if err := writeRendered(cmd.OutOrStdout(), rep); err != nil {
			return err
		}
		reportTo = cmd.ErrOrStderr()
	}
	if err := report.Write(reportTo, f.output, rep, eng.Rules(), f.failOn == "warn"); err != nil {
		return err
	}
	if f.output != "table" { // the table prints errors itself; keep them visible on stderr too
		for _, e := range rep.Errors {
			fmt.Fprintln(cmd.ErrOrStderr(), "error:", report.PrintableError(e))
		}
	}
	return verdict(rep, f.failOn)
}

// noObjects is the error of a run that read its inputs and found no
// object in them: a chart that renders nothing, a file of comments, the
// wrong file. kubectl calls it an error ("no objects passed to apply"), and a
// CI job that checked nothing must not pass.
func noObjects(paths []string) error {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = p
		if p == "-" {
			names[i] = "standard input"
		}
	}
	return fmt.Errorf("no objects in %s: nothing was checked, and kubectl would apply nothing (\"no objects passed to apply\"); check that the input is the manifests you meant, or what rendered them", strings.Join(names, ", "))
}

// tuneGC lets the heap grow to a budget before collecting. pave check's live
// heap is small (the inputs and the findings) while it allocates and drops a
// decoded object per document; with the default GOGC, collections ran so often
// that their pauses kept the second core idle (docs/decisions.md). The budget
// scales with the input, and is a floor for the heap's goal, not a limit
// (internal/gcbudget): one document can hold many times its size live (a
// List of thousands of objects), and a limit below that made every
// allocation wait for a collection. GOGC or GOMEMLIMIT in the environment
// still win.
func tuneGC(inputs []manifest.Input) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	size := uint64(0)
	for _, in := range inputs {
		size += uint64(len(in.Data))
	}
	gcbudget.Start(max(48<<20, 8*size))
}

// verdict maps a report to the documented exit codes.
func verdict(rep *check.Report, failOn string) error {
	if len(rep.Errors) > 0 {
		return &exitError{code: exitBadInput}
	}
	if slices.ContainsFunc(rep.Objects, func(o check.Object) bool { return o.Fails(failOn == "warn") }) {
		return &exitError{code: exitViolation}
	}
	return nil
}

// writeRendered prints each object as admission would store it, followed by
// the companion objects pave's controller would create for it.
func writeRendered(w io.Writer, rep *check.Report) error {
	// A companion is printed once, and not at all when the input holds the
	// same object: a namespace's objects come with each of its workloads, and
	// rendered output checked again must come out the same.
	printed := map[string]bool{}
	for _, o := range rep.Objects {
		printed[o.Described()] = true
	}
	for _, o := range rep.Objects {
		docs := []json.RawMessage{o.Rendered}
		for i, js := range o.RenderedCompanions {
			if key := o.Companions[i]; !printed[key] {
				printed[key] = true
				docs = append(docs, js)
			}
		}
		for _, js := range docs {
			y, err := yaml.JSONToYAML(js)
			if err != nil {
				return fmt.Errorf("render %s: %w", o.Called(), err)
			}
			if _, err := fmt.Fprintf(w, "---\n%s", y); err != nil {
				return err
			}
		}
	}
	return nil
}
