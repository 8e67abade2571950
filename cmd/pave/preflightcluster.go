package main

import (
	"context"
	"fmt"
	"slices"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/preflight"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
)

// readCluster reads what the lock-out and policy checks need: namespaces,
// every webhook configuration and aggregated API, the running workloads
// and Pods, the Services and the objects pave's guards judge.
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
	if out.TeamRoles, err = teamRoles(ctx, c); err != nil {
		return out, err
	}
	var pvs corev1.PersistentVolumeList
	if err := c.List(ctx, &pvs); err != nil {
		return out, fmt.Errorf("list PersistentVolumes: %w", err)
	}
	out.Volumes = pvs.Items
	var pcs schedulingv1.PriorityClassList
	if err := c.List(ctx, &pcs); err != nil {
		return out, fmt.Errorf("list PriorityClasses: %w", err)
	}
	out.Priorities = pcs.Items
	if out.Workloads, err = workloads(ctx, c); err != nil {
		return out, err
	}
	var pods corev1.PodList
	if err := c.List(ctx, &pods); err != nil {
		return out, fmt.Errorf("list Pods: %w", err)
	}
	out.Pods = pods.Items
	var svcs corev1.ServiceList
	if err := c.List(ctx, &svcs); err != nil {
		return out, fmt.Errorf("list Services: %w", err)
	}
	out.Services = svcs.Items
	var pdbs policyv1.PodDisruptionBudgetList
	if err := c.List(ctx, &pdbs); err != nil {
		return out, fmt.Errorf("list PodDisruptionBudgets: %w", err)
	}
	out.Budgets = pdbs.Items
	if out.Routing, err = routing(ctx, c); err != nil {
		return out, err
	}
	if err := certificates(ctx, c, &out); err != nil {
		return out, err
	}
	// Istio's VirtualServices, ServiceEntries, PeerAuthentications and
	// EnvoyFilters, prometheus-operator's PodMonitors, ServiceMonitors,
	// PrometheusRules, Probes and ScrapeConfigs, and the External Secrets
	// Operator's SecretStores and its Webhook, cloud token and Vault dynamic
	// secret generators, where the cluster serves them (read unstructured,
	// as the rules judge them).
	for _, gvk := range judgedKinds() {
		ok, err := served(c, gvk)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := c.List(ctx, &list); err != nil {
			return out, fmt.Errorf("list %ss: %w", gvk.Kind, err)
		}
		out.Judged = append(out.Judged, list.Items...)
	}
	out.Guarded, err = guarded(ctx, c)
	return out, err
}

// served says whether the cluster serves gvk: the kinds of companion APIs
// and of other projects are read only where they are installed.
func served(c client.Client, gvk schema.GroupVersionKind) (bool, error) {
	_, err := c.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	switch {
	case meta.IsNoMatchError(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("find %s: %w", gvk.Kind, err)
	}
	return true, nil
}

// teamRoles are the ClusterRoles aggregated into the roles teams are given,
// each once.
func teamRoles(ctx context.Context, c client.Client) ([]rbacv1.ClusterRole, error) {
	var out []rbacv1.ClusterRole
	for _, label := range preflight.TeamRoleLabels() {
		var roles rbacv1.ClusterRoleList
		if err := c.List(ctx, &roles, client.MatchingLabels{label: "true"}); err != nil {
			return nil, fmt.Errorf("list the ClusterRoles aggregated into the team roles: %w", err)
		}
		for _, r := range roles.Items {
			if !slices.ContainsFunc(out, func(o rbacv1.ClusterRole) bool { return o.Name == r.Name }) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// workloads are the cluster's Deployments, StatefulSets and DaemonSets: the
// kinds that run without end, which the lock-out check weighs.
func workloads(ctx context.Context, c client.Client) ([]*workload.Workload, error) {
	var out []*workload.Workload
	for _, list := range []client.ObjectList{&appsv1.DeploymentList{}, &appsv1.StatefulSetList{}, &appsv1.DaemonSetList{}} {
		if err := c.List(ctx, list); err != nil {
			return nil, fmt.Errorf("list workloads: %w", err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			w, err := workload.New(item)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
	}
	return out, nil
}

// routing is what routes a host: Ingresses, and Gateway API routes where
// the cluster serves them.
func routing(ctx context.Context, c client.Client) ([]client.Object, error) {
	var ings networkingv1.IngressList
	if err := c.List(ctx, &ings); err != nil {
		return nil, fmt.Errorf("list Ingresses: %w", err)
	}
	var out []client.Object
	for i := range ings.Items {
		out = append(out, &ings.Items[i])
	}
	for _, gvk := range ingress.RouteKinds() {
		ok, err := served(c, gvk)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		list := ingress.RouteList(gvk.Kind)
		if err := c.List(ctx, list); err != nil {
			return nil, fmt.Errorf("list %ss: %w", gvk.Kind, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			out = append(out, item.(client.Object))
		}
	}
	return out, nil
}

// certificates reads cert-manager's Certificates and CertificateRequests
// into out, where the cluster serves them.
func certificates(ctx context.Context, c client.Client, out *preflight.Cluster) error {
	if ok, err := served(c, ingress.CertificateKind()); err != nil {
		return err
	} else if ok {
		var certs cmapi.CertificateList
		if err := c.List(ctx, &certs); err != nil {
			return fmt.Errorf("list Certificates: %w", err)
		}
		out.Certificates = certs.Items
	}
	if ok, err := served(c, ingress.CertificateRequestKind()); err != nil {
		return err
	} else if ok {
		var requests cmapi.CertificateRequestList
		if err := c.List(ctx, &requests); err != nil {
			return fmt.Errorf("list CertificateRequests: %w", err)
		}
		out.CertificateRequests = requests.Items
	}
	return nil
}

// guarded are the objects of the kinds pave's guards judge, where the
// cluster serves them, at the version it prefers.
func guarded(ctx context.Context, c client.Client) ([]unstructured.Unstructured, error) {
	var out []unstructured.Unstructured
	for _, gk := range []schema.GroupKind{{Group: "networking.k8s.io", Kind: "NetworkPolicy"}, {Group: "external-secrets.io", Kind: "ExternalSecret"}, {Group: "external-secrets.io", Kind: "PushSecret"}} {
		mapping, err := c.RESTMapper().RESTMapping(gk)
		if meta.IsNoMatchError(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("find %s: %w", gk.Kind, err)
		}
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(mapping.GroupVersionKind.GroupVersion().WithKind(gk.Kind + "List"))
		if err := c.List(ctx, &list); err != nil {
			return nil, fmt.Errorf("list %s: %w", mapping.Resource.Resource, err)
		}
		out = append(out, list.Items...)
	}
	return out, nil
}

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

// apiServices are the cluster's aggregated APIs that a Service serves (read
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
