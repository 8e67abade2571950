package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

func newExplainCmd() *cobra.Command {
	var policyFile string
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Print the pipeline: mutators in order, and every rule with its mode",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pol := policy.Default()
			if policyFile != "" {
				var err error
				if pol, _, err = readPolicyFile(cmd.Context(), policyFile); err != nil {
					return &exitError{code: exitBadInput, err: fmt.Errorf("--policy: %w", err)}
				}
			}
			eng, err := companions.Engine(pol)
			if err != nil {
				return &exitError{code: exitBadInput, err: err}
			}
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "Mutators, in the order they run:")
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "  #\tPHASE\tMUTATOR")
			for i, s := range eng.Steps() {
				fmt.Fprintf(tw, "  %d\t%s\t%s\n", i+1, s.Phase, s.Mutator.Name())
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, m := range eng.ObjectMutators() {
				when := "at creation"
				if _, ok := m.(engine.UpdateCompleter); ok {
					when = "at creation and update"
				}
				fmt.Fprintf(out, "  and %s: %s (%s)\n", when, m.Name(), kindNames(m.Kinds()))
			}
			fmt.Fprintln(out, "\nRules, with the mode and severity this policy gives them:")
			tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "  RULE\tMODE\tSEVERITY\tWHAT IT ASKS")
			for _, r := range eng.Rules() {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.ID, r.Mode, r.Severity, r.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(out, "\nGenerators, by what owns their objects, and the kinds they write:")
			tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "  SCOPE\tGENERATOR\tKINDS")
			kinds := func(gvks []schema.GroupVersionKind) string {
				var names []string
				for _, g := range gvks {
					names = append(names, g.Kind)
				}
				return strings.Join(names, ", ")
			}
			for _, g := range eng.Generators() {
				fmt.Fprintf(tw, "  workload\t%s\t%s\n", g.Name(), kinds(g.Kinds()))
			}
			for _, g := range eng.NamespaceGenerators() {
				fmt.Fprintf(tw, "  namespace\t%s\t%s\n", g.Name(), kinds(g.Kinds()))
			}
			for _, g := range eng.ClusterGenerators() {
				fmt.Fprintf(tw, "  cluster\t%s\t%s\n", g.Name(), kinds(g.Kinds()))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&policyFile, "policy", "", "policy file (default: the built-in policy)")
	return cmd
}

func kindNames(gvks []schema.GroupVersionKind) string {
	names := make([]string, len(gvks))
	for i, g := range gvks {
		names[i] = g.Kind
	}
	return strings.Join(names, ", ")
}
