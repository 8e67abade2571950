package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
	"github.com/pave-dev/pave/pkg/report"
)

func newPreflightCmd() *cobra.Command {
	var kubeconfig, policyFile, output, paveNamespace, webhookConfig string
	var excluded []string
	cmd := &cobra.Command{
		Use:   "preflight",
		Short: "Judge a live cluster before installing pave or changing its policy: what would fail for every team",
		Long: "preflight reads the cluster (kubeconfig, like kubectl) and reports what pave would deny for reasons no team\n" +
			"can fix: webhooks (every vendor's, pave's too) that fail closed on the namespaces the cluster needs to heal\n" +
			"itself (a lock-out), the workloads already running that the policy would deny, StorageClasses (a default class\n" +
			"that does not encrypt, no class that does), volumes reserved for no claim that any namespace's claim would\n" +
			"be bound to, the namespaces that already use more than their tier's quota\n" +
			"will allow, and, as info, pave's webhooks with their failure policy and timeout and the companion APIs\n" +
			"the cluster does not serve with what pave does without them.\n" +
			"Exit codes: 0 nothing to fix (info findings only), 1 findings to fix, 2 the cluster or the policy could not be read.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bad := func(err error) error { return &exitError{code: exitBadInput, err: err} }
			c, cfg, err := clusterClient(kubeconfig)
			if err != nil {
				return bad(err)
			}
			ctx := cmd.Context()
			pol, err := preflightPolicy(ctx, c, policyFile)
			if err != nil {
				return bad(err)
			}
			var classes storagev1.StorageClassList
			if err := c.List(ctx, &classes); err != nil {
				return bad(fmt.Errorf("list StorageClasses: %w", err))
			}
			eng, err := companions.Engine(pol)
			if err != nil {
				return bad(err)
			}
			dc, err := discovery.NewDiscoveryClientForConfig(cfg)
			if err != nil {
				return bad(fmt.Errorf("connect to %s: %w", cfg.Host, err))
			}
			unserved := environment.Unserved(dc, slices.Concat(eng.WorkloadKinds(), eng.NamespaceKinds(), eng.ClusterKinds()))
			cluster, err := readCluster(ctx, c)
			if err != nil {
				return bad(err)
			}
			dashboards, dashboardSecrets, err := readDashboards(ctx, c, pol)
			if err != nil {
				return bad(err)
			}
			cluster.Dashboards, cluster.Guarded = dashboards, append(cluster.Guarded, dashboardSecrets...)
			cluster.StorageClasses, cluster.Unserved = classes.Items, unserved
			cluster.PaveNamespace, cluster.Excluded, cluster.WebhookConfig = paveNamespace, excluded, webhookConfig
			found, err := preflight.Run(ctx, pol, cluster)
			if err != nil {
				return bad(err)
			}
			if found == nil {
				found = []preflight.Finding{} // [] in JSON, not null
			}
			out := cmd.OutOrStdout()
			switch output {
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"findings": found}); err != nil {
					return err
				}
			case "table":
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CHECK\tSEVERITY\tSUBJECT\tFINDING")
				for _, f := range found {
					p := report.Printable // subjects and messages name what the cluster holds
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p(f.Check), p(string(f.Severity)), p(f.Subject), p(f.Message))
					fmt.Fprintf(tw, "\t\t\tfix: %s\n", p(f.Fix))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(out, "\n%d findings\n", len(found))
			default:
				return bad(fmt.Errorf("-o %q: use table or json", output))
			}
			if preflight.Failed(found) {
				return &exitError{code: exitViolation}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	cmd.Flags().StringVar(&policyFile, "policy", "", "judge under this PlatformPolicy file (default: the cluster's PlatformPolicy default, else the built-in policy)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().StringVar(&paveNamespace, "pave-namespace", v1alpha1.DefaultPaveNamespace, "the namespace pave runs in")
	cmd.Flags().StringSliceVar(&excluded, "exclude-namespaces", nil, "namespaces pave's webhook configurations exclude besides the control plane's and its own (the chart's webhooks.excludeNamespaces): their workloads are not judged")
	cmd.Flags().StringVar(&webhookConfig, "webhook-config-name", "pave", "the name of pave's webhook configurations")
	return cmd
}

// preflightPolicy is the policy a preflight judges under: a file, the
// cluster's PlatformPolicy "default", or the built-in one where there is none
// (or pave's CRD is not installed yet).
func preflightPolicy(ctx context.Context, c client.Client, file string) (*policy.Policy, error) {
	if file != "" {
		p, _, err := readPolicyFile(ctx, file)
		if err != nil {
			return nil, fmt.Errorf("--policy: %w", err)
		}
		return p, nil
	}
	var pp v1alpha1.PlatformPolicy
	switch err := c.Get(ctx, client.ObjectKey{Name: "default"}, &pp); {
	case apierrors.IsNotFound(err) || meta.IsNoMatchError(err):
		return policy.Default(), nil
	case err != nil:
		return nil, fmt.Errorf("read PlatformPolicy default: %w", err)
	}
	p, err := policy.FromSpec(pp.Spec)
	if err != nil {
		return nil, fmt.Errorf("the cluster's PlatformPolicy default is rejected: %w", err)
	}
	return p, nil
}
