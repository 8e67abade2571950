package policy

import (
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// Env is everything the engine knows beyond the object itself. Adapters fill it:
// the webhook from its caches and the admission request, the CLI from flags.
type Env struct {
	Policy    *Policy
	Namespace Namespace
	User      User
	// Now is the time exceptions are judged against; the engine reads no clock.
	Now time.Time
	// Exceptions are the PolicyExceptions found in the cluster or input; the engine
	// honours only those in the namespaces the policy allows.
	Exceptions []v1alpha1.PolicyException
	// Canary is the canary Deployment of the workload under review, when the
	// adapter found one (pave.dev/canary-of names the workload); the mesh
	// generator splits traffic between them.
	Canary *workload.Workload
	// Quotas are the namespace's ResourceQuotas with their usage, when the
	// adapter read them (validation in the cluster); the headroom rule judges
	// a workload against what they have left.
	Quotas []corev1.ResourceQuota
	// Budgets are the namespace's PodDisruptionBudgets, when the adapter
	// read them (validation): a workload's replicas are judged against the
	// budgets that select its pods.
	Budgets []policyv1.PodDisruptionBudget
	// StorageClasses are the cluster's (or, offline, the input's)
	// StorageClasses: whether a volume is encrypted is read from its class.
	StorageClasses []storagev1.StorageClass
	// UnreservedVolumes are the cluster's PersistentVolumes that the control
	// plane would bind a claim of any namespace to, when the adapter read
	// them (validation in the cluster; offline there are none): Available,
	// reserved for no claim, not shared. pave's guard refuses that binding,
	// so a claim one of them fits waits.
	UnreservedVolumes []corev1.PersistentVolume
	// Priority is the PriorityClass the pod's priority comes from, when the
	// adapter looked it up and found it: a pod template carries only the
	// class's name, and its own priority or preemption policy, if it sets
	// them, must be the class's.
	Priority *PriorityClass
	// Unserved are the companion kinds the cluster does not serve (its
	// adapter asked discovery at start); offline, every kind is served.
	// pave falls back where it can: scrape annotations for a PodMonitor.
	Unserved []schema.GroupVersionKind
	// Routes are the other Ingresses (or Gateway API routes) that route a
	// host the one under review routes, or one overlapping it (a
	// wildcard), when the adapter looked them up: a host belongs to the
	// team that routes it.
	Routes []Route
	// IstioRules are the VirtualServices and DestinationRules pave did not
	// write that configure the service of the workload under review, in
	// its namespace, when the adapter looked them up (the controller, and
	// pave check from its input). Istio applies one VirtualService per host
	// to the sidecars, and one DestinationRule's traffic policy, so pave's
	// own step aside for a team's.
	IstioRules []IstioRule
	// NamesOnly says the caller needs the companions' kinds and names only
	// (pave check without --render, a server-side dry run's warnings):
	// generators may leave out content that is costly to build, such as a
	// dashboard's JSON.
	NamesOnly bool
	// Resize says the request resizes a running Pod in place (the
	// pods/resize subresource): only cpu and memory change, and the API
	// server refuses a resize that removes a request or limit, so a fix
	// may not ask for that.
	Resize bool
}

// PriorityClass is what the API server's Priority admission gives a pod:
// the value and preemption policy of the class it names, or of the
// cluster's global default class when it names none. Name is the class's,
// empty where the pod names none and the cluster has no default (priority
// 0, preempting lower priorities).
type PriorityClass struct {
	Name             string
	Value            int32
	PreemptionPolicy corev1.PreemptionPolicy
}

// Serves reports whether the cluster serves the kind.
func (e Env) Serves(gvk schema.GroupVersionKind) bool { return !slices.Contains(e.Unserved, gvk) }

// NamespaceOf is the namespace w lives in: its own, else the environment's
// (a workload read from a file may name none).
func (e Env) NamespaceOf(w *workload.Workload) string {
	if w.Meta.Namespace != "" {
		return w.Meta.Namespace
	}
	return e.Namespace.Name
}

// Namespace is what the engine needs to know of the object's namespace.
type Namespace struct {
	Name   string
	Labels map[string]string
}

// Route is an Ingress (or Gateway API route: Kind) that routes Host, and
// the team of its namespace (v1alpha1.TeamOf; "" when the namespace names
// none).
type Route struct {
	Kind, Host, Namespace, Name, Team string
}

// IstioRule is what pave reads of a VirtualService or DestinationRule it
// did not write.
type IstioRule struct {
	Kind, Name string
	// Hosts are its hosts as written: a VirtualService's spec.hosts, a
	// DestinationRule's spec.host.
	Hosts []string
	// Gateways are a VirtualService's spec.gateways: none, or "mesh" among
	// them, binds it to the sidecars.
	Gateways []string
	// TrafficPolicy says a DestinationRule sets a traffic policy for its
	// whole host (spec.trafficPolicy), not only for subsets.
	TrafficPolicy bool
	// Selective says a DestinationRule applies only to the workloads its
	// spec.workloadSelector selects.
	Selective bool
}

// User is the requesting user, for exceptions and audit.
type User struct {
	Name   string
	Groups []string
}

// Controller reports whether u is an identity kube-controller-manager
// creates workloads' children as (one service account per controller with
// --use-service-account-credentials, its own user without): what it makes
// copies a template judged at its own admission.
func (u User) Controller() bool {
	sa, ok := strings.CutPrefix(u.Name, "system:serviceaccount:kube-system:")
	if !ok {
		return u.Name == "system:kube-controller-manager"
	}
	switch sa {
	case "replicaset-controller", "deployment-controller", "statefulset-controller", "daemon-set-controller",
		"job-controller", "cronjob-controller", "replication-controller":
		return true
	}
	return false
}
