// Package preflight judges a cluster before pave is installed or its policy
// changed: what would fail for every team without anyone having done
// anything wrong. It is pure: the CLI reads the cluster and hands it over.
package preflight

import (
	"context"
	"fmt"
	"slices"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/workload"
)

// Finding is one thing to fix before it bites.
type Finding struct {
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Subject  string `json:"subject"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// Cluster is what preflight reads of a cluster.
type Cluster struct {
	StorageClasses []storagev1.StorageClass
	// Volumes are the PersistentVolumes, judged for those the control plane
	// would bind to any namespace's claim (storage-unreserved-volume).
	Volumes []corev1.PersistentVolume
	// Priorities are the PriorityClasses.
	Priorities []schedulingv1.PriorityClass
	// Unserved are the companion kinds the cluster does not serve.
	Unserved []schema.GroupVersionKind
	// Namespaces are the cluster's namespaces with their labels.
	Namespaces map[string]map[string]string
	// MutatingWebhooks and ValidatingWebhooks are every vendor's.
	MutatingWebhooks   []admissionregistrationv1.MutatingWebhookConfiguration
	ValidatingWebhooks []admissionregistrationv1.ValidatingWebhookConfiguration
	// APIServices are the aggregated APIs a Service serves.
	APIServices []APIService
	// Workloads are the workloads running, judged under the policy.
	Workloads []*workload.Workload
	// Pods are the cluster's Pods, counted against each namespace's tier.
	Pods []corev1.Pod
	// Services are the Services there are, judged too (service-exposure,
	// service-external-ips, service-external-name).
	Services []corev1.Service
	// Budgets are the PodDisruptionBudgets there are, counted against the
	// tiers (count/poddisruptionbudgets.policy).
	Budgets []policyv1.PodDisruptionBudget
	// Routing are the Ingresses and Gateway API routes there are, judged
	// against each other (ingress-host).
	Routing []client.Object
	// Dashboards are the ConfigMaps there are with a key of the policy's
	// dashboard labels, judged for another namespace's key, uid or title
	// (dashboard-scope).
	Dashboards []corev1.ConfigMap
	// Certificates are cert-manager's Certificates there are, judged
	// against Routing (certificate-host).
	Certificates []cmapi.Certificate
	// CertificateRequests are cert-manager's CertificateRequests there
	// are, judged as Certificates are where no listed Certificate made
	// them: a team's own, or cert-manager's csi-driver's.
	CertificateRequests []cmapi.CertificateRequest
	// Judged are the objects there are that pave's rules read
	// unstructured: Istio's VirtualServices, ServiceEntries,
	// PeerAuthentications and EnvoyFilters, judged for hosts beyond their
	// namespace that other namespaces see (mesh-routes), another team's
	// host on a gateway (ingress-host), and for plaintext (mesh-mtls) or
	// patched proxies (mesh-envoy-filter) in the mesh's required zones;
	// teams' prometheus-operator objects, judged for series written as
	// another namespace's (monitoring-scope); teams' SecretStores and
	// Webhook generators, judged for a URL the External Secrets Operator
	// would fetch past the zones (secret-webhook-url), and SecretStores,
	// cloud token and Vault dynamic secret generators for signing in as the
	// operator (secret-store-identity).
	Judged []unstructured.Unstructured
	// Guarded are the objects there are of the kinds pave's
	// ValidatingAdmissionPolicies guard for teams (NetworkPolicies,
	// ExternalSecrets, PushSecrets, and the metadata of Secrets with a key
	// of the policy's dashboard labels), with their kinds. The guards judge
	// Routing's Ingresses too.
	Guarded []unstructured.Unstructured
	// Install is where pave runs and the namespaces its webhook
	// configurations exclude besides the control plane's and its own: no
	// workload there is judged.
	v1alpha1.Install
	// WebhookConfig names pave's webhook configurations.
	WebhookConfig string
	// TeamRoles are the ClusterRoles aggregated into the built-in edit and
	// admin roles (TeamRoleLabels), which teams are given.
	TeamRoles []rbacv1.ClusterRole
}

// APIService is an aggregated API: the API server proxies every request
// for its group and version to a Service.
type APIService struct {
	// Name is the APIService's (v1beta1.metrics.k8s.io).
	Name string
	// Namespace and Service are where its server runs.
	Namespace, Service string
}

// Run judges the cluster under the policy.
func Run(ctx context.Context, p *policy.Policy, c Cluster) ([]Finding, error) {
	deny, err := denyFindings(ctx, p, c)
	if err != nil {
		return nil, err
	}
	guarded, err := guardFindings(ctx, p, c)
	if err != nil {
		return nil, err
	}
	slis, err := sliFindings(p)
	if err != nil {
		return nil, err
	}
	return slices.Concat(lockoutFindings(p, c), isolatedFindings(p, c), storageFindings(policy.Env{Policy: p, StorageClasses: c.StorageClasses}),
		unreservedVolumeFindings(policy.Env{Policy: p, StorageClasses: c.StorageClasses}, c.Volumes), deny, guarded,
		teamRoleFindings(c.TeamRoles), deviceAdminFindings(c), tierFindings(p, c), scrapeFinding(p, c.Unserved), slis, companionFindings(c.Unserved), webhookInfo(c, c.WebhookConfig)), nil
}

// Failed reports whether any finding needs a fix (severity above info).
func Failed(found []Finding) bool {
	return slices.ContainsFunc(found, func(f Finding) bool { return f.Severity != SeverityInfo })
}

// storageFindings: the API server gives claims that name no class the
// cluster's default class before any webhook runs, so a default that does
// not encrypt means every such claim is denied (rule encrypted-volumes).
func storageFindings(env policy.Env) []Finding {
	var out []Finding
	encrypting := storage.EncryptedClasses(env)
	if d, ok := storage.ClusterDefault(env); ok {
		if enc, why := storage.Encrypts(d, env); !enc {
			to := "<encrypting-class>"
			if len(encrypting) > 0 {
				to = encrypting[0]
			}
			fix := fmt.Sprintf("make a class that encrypts the default: kubectl annotate storageclass %s storageclass.kubernetes.io/is-default-class- && kubectl annotate storageclass %s storageclass.kubernetes.io/is-default-class=true", d.Name, to)
			out = append(out, Finding{Check: "storage-default-class", Severity: "high", Subject: "StorageClass " + d.Name,
				Message: fmt.Sprintf("the cluster's default class does not encrypt (%s): the API server names it on every claim that names no class, and pave denies those claims (encrypted-volumes)", why),
				Fix:     fix})
		}
	}
	if len(encrypting) == 0 {
		out = append(out, Finding{Check: "storage-encrypting-class", Severity: "high", Subject: "StorageClasses",
			Message: "no StorageClass is known to encrypt: pave denies every volume claim (encrypted-volumes)",
			Fix:     "create a class whose provisioner encrypts (docs/storage.md lists the parameters pave reads), or list an encrypting class in the PlatformPolicy's spec.storage.encryptedClasses"})
	}
	if c := env.Policy.Spec.Storage.DefaultClass; c != "" && !slices.ContainsFunc(env.StorageClasses, func(sc storagev1.StorageClass) bool { return sc.Name == c }) {
		out = append(out, Finding{Check: "storage-policy-default-class", Severity: "high", Subject: "PlatformPolicy spec.storage.defaultClass",
			Message: fmt.Sprintf("the policy gives claims the class %q, which the cluster does not have: their PersistentVolumes will never be provisioned", c),
			Fix:     "create the StorageClass, or name an existing class that encrypts"})
	}
	return out
}
