package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"text/tabwriter"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/spf13/cobra"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
	"github.com/pave-dev/pave/pkg/report"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
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
			"that does not encrypt, no class that does), and, as info, pave's webhooks with their failure policy and\n" +
			"timeout and the companion APIs the cluster does not serve with what pave does without them.\n" +
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

// readCluster reads what the lock-out and policy checks need: namespaces,
// every webhook configuration and aggregated API, the running workloads,
// the Services and the objects pave's guards judge.
func readCluster(ctx context.Context, c client.Client) (preflight.Cluster, error) {
	out := preflight.Cluster{Namespaces: map[string]map[string]string{}}
	var nss corev1.NamespaceList
	if err := c.List(ctx, &nss); err != nil {
		return out, fmt.Errorf("list Namespaces: %w", err)
	}
	for _, ns := range nss.Items {
		out.Namespaces[ns.Name] = ns.Labels
	}
	var m admissionregistrationv1.MutatingWebhookConfigurationList
	if err := c.List(ctx, &m); err != nil {
		return out, fmt.Errorf("list MutatingWebhookConfigurations: %w", err)
	}
	var v admissionregistrationv1.ValidatingWebhookConfigurationList
	if err := c.List(ctx, &v); err != nil {
		return out, fmt.Errorf("list ValidatingWebhookConfigurations: %w", err)
	}
	out.MutatingWebhooks, out.ValidatingWebhooks = m.Items, v.Items
	apis, err := apiServices(ctx, c)
	if err != nil {
		return out, err
	}
	out.APIServices = apis
	for _, label := range preflight.TeamRoleLabels() {
		var roles rbacv1.ClusterRoleList
		if err := c.List(ctx, &roles, client.MatchingLabels{label: "true"}); err != nil {
			return out, fmt.Errorf("list the ClusterRoles aggregated into the team roles: %w", err)
		}
		for _, r := range roles.Items {
			if !slices.ContainsFunc(out.TeamRoles, func(o rbacv1.ClusterRole) bool { return o.Name == r.Name }) {
				out.TeamRoles = append(out.TeamRoles, r)
			}
		}
	}
	var pcs schedulingv1.PriorityClassList
	if err := c.List(ctx, &pcs); err != nil {
		return out, fmt.Errorf("list PriorityClasses: %w", err)
	}
	out.Priorities = pcs.Items
	lists := []client.ObjectList{&appsv1.DeploymentList{}, &appsv1.StatefulSetList{}, &appsv1.DaemonSetList{}}
	for _, list := range lists {
		if err := c.List(ctx, list); err != nil {
			return out, fmt.Errorf("list workloads: %w", err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return out, err
		}
		for _, item := range items {
			w, err := workload.New(item)
			if err != nil {
				return out, err
			}
			out.Workloads = append(out.Workloads, w)
		}
	}
	var svcs corev1.ServiceList
	if err := c.List(ctx, &svcs); err != nil {
		return out, fmt.Errorf("list Services: %w", err)
	}
	out.Services = svcs.Items
	var ings networkingv1.IngressList
	if err := c.List(ctx, &ings); err != nil {
		return out, fmt.Errorf("list Ingresses: %w", err)
	}
	for i := range ings.Items {
		out.Routing = append(out.Routing, &ings.Items[i])
	}
	// Gateway API routes, where the cluster serves them.
	for _, gvk := range ingress.RouteKinds() {
		if _, err := c.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version); meta.IsNoMatchError(err) {
			continue
		} else if err != nil {
			return out, fmt.Errorf("find %s: %w", gvk.Kind, err)
		}
		list := ingress.RouteList(gvk.Kind)
		if err := c.List(ctx, list); err != nil {
			return out, fmt.Errorf("list %ss: %w", gvk.Kind, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return out, err
		}
		for _, item := range items {
			out.Routing = append(out.Routing, item.(client.Object))
		}
	}
	// cert-manager's Certificates and CertificateRequests, where the
	// cluster serves them.
	if _, err := c.RESTMapper().RESTMapping(ingress.CertificateKind().GroupKind(), ingress.CertificateKind().Version); err == nil {
		var certs cmapi.CertificateList
		if err := c.List(ctx, &certs); err != nil {
			return out, fmt.Errorf("list Certificates: %w", err)
		}
		out.Certificates = certs.Items
	} else if !meta.IsNoMatchError(err) {
		return out, fmt.Errorf("find Certificate: %w", err)
	}
	if _, err := c.RESTMapper().RESTMapping(ingress.CertificateRequestKind().GroupKind(), ingress.CertificateRequestKind().Version); err == nil {
		var requests cmapi.CertificateRequestList
		if err := c.List(ctx, &requests); err != nil {
			return out, fmt.Errorf("list CertificateRequests: %w", err)
		}
		out.CertificateRequests = requests.Items
	} else if !meta.IsNoMatchError(err) {
		return out, fmt.Errorf("find CertificateRequest: %w", err)
	}
	// Istio's VirtualServices, ServiceEntries, PeerAuthentications and
	// EnvoyFilters, prometheus-operator's PodMonitors, ServiceMonitors,
	// PrometheusRules, Probes and ScrapeConfigs, and the External Secrets
	// Operator's SecretStores and its Webhook and cloud token generators,
	// where the cluster serves them (read unstructured, as the rules judge
	// them).
	for _, gvk := range judgedKinds() {
		if _, err := c.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version); meta.IsNoMatchError(err) {
			continue
		} else if err != nil {
			return out, fmt.Errorf("find %s: %w", gvk.Kind, err)
		}
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := c.List(ctx, &list); err != nil {
			return out, fmt.Errorf("list %ss: %w", gvk.Kind, err)
		}
		out.Judged = append(out.Judged, list.Items...)
	}
	// The kinds pave's guards judge, where the cluster serves them.
	for _, gk := range []schema.GroupKind{{Group: "networking.k8s.io", Kind: "NetworkPolicy"}, {Group: "external-secrets.io", Kind: "ExternalSecret"}, {Group: "external-secrets.io", Kind: "PushSecret"}} {
		mapping, err := c.RESTMapper().RESTMapping(gk)
		if meta.IsNoMatchError(err) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("find %s: %w", gk.Kind, err)
		}
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(mapping.GroupVersionKind.GroupVersion().WithKind(gk.Kind + "List"))
		if err := c.List(ctx, &list); err != nil {
			return out, fmt.Errorf("list %s: %w", mapping.Resource.Resource, err)
		}
		out.Guarded = append(out.Guarded, list.Items...)
	}
	return out, nil
}

// apiServices are the cluster's aggregated APIs that a Service serves (read

// judgedKinds are the kinds of Cluster.Judged, each once: a kind two rules
// judge (a SecretStore) is read, and so judged and named, once.
func judgedKinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for _, gvk := range slices.Concat(validators.MeshRoutes{}.Kinds(), validators.MeshMTLS{}.Kinds(), validators.MeshEnvoyFilter{}.Kinds(),
		validators.MonitoringScope{}.Kinds(), validators.SecretWebhookURL{}.Kinds(), validators.SecretStoreIdentity{}.Kinds()) {
		if !slices.Contains(out, gvk) {
			out = append(out, gvk)
		}
	}
	return out
}

// unstructured: the aggregator's Go API is not a dependency of pave).
func apiServices(ctx context.Context, c client.Client) ([]preflight.APIService, error) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiregistration.k8s.io", Version: "v1", Kind: "APIServiceList"})
	if err := c.List(ctx, list); err != nil {
		return nil, fmt.Errorf("list APIServices: %w", err)
	}
	var out []preflight.APIService
	for _, item := range list.Items {
		ns, _, _ := unstructured.NestedString(item.Object, "spec", "service", "namespace")
		name, _, _ := unstructured.NestedString(item.Object, "spec", "service", "name")
		if ns != "" && name != "" { // none: served by the API server itself
			out = append(out, preflight.APIService{Name: item.GetName(), Namespace: ns, Service: name})
		}
	}
	return out, nil
}
