package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/report"
)

// auditFlags are the flags every `pave audit` command shares.
type auditFlags struct {
	kubeconfig, output, namespace, team, rule, user string
	since                                           time.Duration
}

func newAuditCmd() *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "What pave decided in a live cluster: denials, the background audit, a summary per team",
		Long: "audit reads the namespace reports pave keeps (kubeconfig, like kubectl; the format the cluster's\n" +
			"PlatformPolicy names: OpenReports or PolicyReport). See docs/audit.md.\n" +
			"Exit codes, as pave check: 0 nothing found, 1 findings, 2 the cluster could not be read.",
	}
	fl := cmd.PersistentFlags()
	fl.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fl.StringVarP(&f.output, "output", "o", "table", "table or json")
	fl.StringVarP(&f.namespace, "namespace", "n", "", "one namespace (default: all)")
	fl.StringVar(&f.team, "team", "", "the namespaces of one team (label "+v1alpha1.LabelTeam+")")
	fl.StringVar(&f.rule, "rule", "", "one rule")
	fl.DurationVar(&f.since, "since", 0, "only what was last seen within this long (e.g. 24h; default: all the reports hold)")
	denials := &cobra.Command{
		Use:   "denials",
		Short: "Requests pave denied: by workload and rule, with the count, the last user and when",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd, f, audit.Filter{Category: audit.CategoryAdmission, Outcomes: []policy.Outcome{policy.OutcomeDeny}, Rule: f.rule, User: f.user}, printRows)
		},
	}
	denials.Flags().StringVar(&f.user, "user", "", "only denials whose last request came from this user")
	scan := &cobra.Command{
		Use:   "scan",
		Short: "What the background audit found in the workloads already running",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd, f, audit.Filter{Category: audit.CategoryBackground, Rule: f.rule,
				Outcomes: []policy.Outcome{policy.OutcomeDeny, policy.OutcomeWarn, policy.OutcomeRecord, policy.OutcomeWaived}}, printRows)
		},
	}
	summary := &cobra.Command{
		Use:   "summary",
		Short: "Per team: denials by rule and the fixes that would clear the most",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd, f, audit.Filter{Category: audit.CategoryAdmission, Outcomes: []policy.Outcome{policy.OutcomeDeny}, Rule: f.rule}, printSummary)
		},
	}
	cmd.AddCommand(denials, scan, summary)
	return cmd
}

// auditView is what a command prints from: the selected rows and each
// namespace's team.
type auditView struct {
	rows  []audit.Row
	teams map[string]string
}

func runAudit(cmd *cobra.Command, f *auditFlags, filter audit.Filter, print func(io.Writer, string, auditView) error) error {
	bad := func(err error) error { return &exitError{code: exitBadInput, err: err} }
	if f.output != "table" && f.output != "json" {
		return bad(fmt.Errorf("-o %q: use table or json", f.output))
	}
	c, _, err := clusterClient(f.kubeconfig)
	if err != nil {
		return bad(err)
	}
	ctx := cmd.Context()
	pol, err := preflightPolicy(ctx, c, "")
	if err != nil {
		return bad(err)
	}
	format := pol.Spec.Audit.Reports
	if format == v1alpha1.ReportsOff {
		return bad(fmt.Errorf("the PlatformPolicy has spec.audit.reports: off, so there are no reports; the decisions are in pave's audit log (docs/audit.md)"))
	}
	var nss corev1.NamespaceList
	if err := c.List(ctx, &nss); err != nil {
		return bad(fmt.Errorf("list Namespaces: %w", err))
	}
	view := auditView{teams: map[string]string{}}
	for _, ns := range nss.Items {
		if view.teams[ns.Name] = v1alpha1.TeamOf(ns.Labels); view.teams[ns.Name] == "" {
			view.teams[ns.Name] = "(no team: " + ns.Name + ")"
		}
	}
	reports, err := trustedReports(ctx, c, format, f.namespace, cmd.ErrOrStderr())
	if err != nil {
		return bad(err)
	}
	if f.team != "" {
		for ns := range reports {
			if view.teams[ns] != f.team {
				delete(reports, ns)
			}
		}
	}
	if f.since > 0 {
		filter.Since = time.Now().Add(-f.since)
	}
	view.rows = audit.Select(reports, filter)
	if err := print(cmd.OutOrStdout(), f.output, view); err != nil {
		return err
	}
	for _, r := range view.rows {
		if r.Outcome == string(policy.OutcomeDeny) || r.Outcome == string(policy.OutcomeRecord) {
			return &exitError{code: exitViolation}
		}
	}
	return nil
}

func printRows(out io.Writer, format string, v auditView) error {
	if v.rows == nil {
		v.rows = []audit.Row{} // [] in JSON, not null
	}
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"results": v.rows})
	}
	// The rows are aligned alone and each fix is printed under its row,
	// from the RULE column: a fix line among them in the tabwriter ended
	// its columns' blocks, and every row after the first went unaligned.
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tOBJECT\tRULE\tOUTCOME\tCOUNT\tLAST USER\tLAST SEEN")
	p := report.Printable // a user name is whatever the authenticator says
	for _, r := range v.rows {
		fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%s\t%d\t%s\t%s\n", p(r.Namespace), p(strings.ToLower(r.Kind)), p(r.Name), p(r.Rule), p(r.Outcome), r.Count, p(r.LastUser), p(r.LastSeen))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	lines := strings.SplitAfter(table.String(), "\n")
	indent := strings.Repeat(" ", strings.Index(lines[0], "RULE"))
	var b strings.Builder
	b.WriteString(lines[0])
	for i, r := range v.rows {
		b.WriteString(lines[i+1])
		if r.Fix != "" {
			fmt.Fprintf(&b, "%sfix: %s\n", indent, p(r.Fix))
		}
	}
	fmt.Fprintf(&b, "\n%d results\n", len(v.rows))
	_, err := io.WriteString(out, b.String())
	return err
}

func printSummary(out io.Writer, format string, v auditView) error {
	teams := audit.Summarize(v.rows, func(ns string) string { return v.teams[ns] }, 3)
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"teams": teams})
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tDENIALS\tBY RULE\tTOP FIXES")
	for _, t := range teams {
		var rules []string
		for _, r := range t.Rules {
			rules = append(rules, fmt.Sprintf("%s %d", r.Of, r.Count))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t", report.Printable(t.Team), t.Denials, report.Printable(strings.Join(rules, ", ")))
		for i, fx := range t.TopFixes {
			if i > 0 {
				fmt.Fprint(tw, "\t\t\t")
			}
			fmt.Fprintf(tw, "%d× %s\n", fx.Count, report.Printable(fx.Of))
		}
		if len(t.TopFixes) == 0 {
			fmt.Fprintln(tw)
		}
	}
	return tw.Flush()
}
