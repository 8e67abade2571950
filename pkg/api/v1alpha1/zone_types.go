package v1alpha1

import "k8s.io/utils/ptr"

// ZonePolicy names the network zones and what may cross between them. A
// namespace's zone (its pave.dev/zone label) is the zone of every workload in
// it; see docs/zones.md.
// +kubebuilder:validation:XValidation:rule="!has(self.defaultZone) || !has(self.names) || size(self.names) == 0 || self.defaultZone in self.names",message="defaultZone must be one of names"
// +kubebuilder:validation:XValidation:rule="!has(self.access) || !has(self.names) || size(self.names) == 0 || self.access.all(a, a.zone in self.names)",message="every access entry must name one of names"
type ZonePolicy struct {
	// Names of the zones. Empty allows any zone name.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	Names []string `json:"names,omitzero"`
	// DefaultZone is given to workloads whose namespace names none.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	DefaultZone string `json:"defaultZone,omitempty"`
	// AllowNarrowing lets a workload name a zone narrower than its namespace's:
	// one later in names, which run from the most open to the most closed.
	// A workload can never widen its namespace's zone. Narrowing makes the
	// workload a member of the narrower zone, which its members may call, so
	// it is off by default.
	// +optional
	AllowNarrowing *bool `json:"allowNarrowing,omitempty"`
	// Isolation says how the zones are enforced on the network.
	// +optional
	Isolation ZoneIsolation `json:"isolation,omitempty"`
	// Access says, per zone, which zones may call it, whether traffic from
	// outside the cluster may enter it and what outside the cluster it may
	// reach. A zone without an entry is called only by its own members and
	// reaches nothing outside the cluster.
	// +optional
	// +listType=map
	// +listMapKey=zone
	// +kubebuilder:validation:MaxItems=64
	Access []ZoneAccess `json:"access,omitzero"`
}

// IsolationTarget is the API pave writes zone isolation in.
// +kubebuilder:validation:Enum=NetworkPolicy;CiliumNetworkPolicy;ClusterNetworkPolicy;"off"
type IsolationTarget string

// The isolation targets.
const (
	// IsolationNetworkPolicy writes Kubernetes NetworkPolicies: one per
	// namespace (default deny, the zone's egress) and one per workload (who
	// may call it, on its ports). Every CNI that enforces policy reads them.
	IsolationNetworkPolicy IsolationTarget = "NetworkPolicy"
	// IsolationCilium writes the same as CiliumNetworkPolicies.
	IsolationCilium IsolationTarget = "CiliumNetworkPolicy"
	// IsolationClusterNetworkPolicy writes the zone boundaries as
	// cluster-wide ClusterNetworkPolicies (policy.networking.k8s.io): the Admin
	// tier keeps each zone's callers and reach, which no namespaced policy can
	// widen; the Baseline tier denies what no NetworkPolicy admits; each
	// workload's ports stay a NetworkPolicy.
	IsolationClusterNetworkPolicy IsolationTarget = "ClusterNetworkPolicy"
	// IsolationOff writes nothing (and removes what pave wrote).
	IsolationOff IsolationTarget = "off"
)

// ZoneIsolation says how zones are enforced and where the platform's shared
// services run.
type ZoneIsolation struct {
	// Target: NetworkPolicy (default), CiliumNetworkPolicy,
	// ClusterNetworkPolicy or off.
	// +optional
	Target IsolationTarget `json:"target,omitempty"`
	// IngressNamespace is the ingress controller's namespace: traffic from
	// outside the cluster reaches the zones that accept it from there.
	// Default ingress-nginx; "" lets nothing in from outside.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	IngressNamespace *string `json:"ingressNamespace,omitempty"`
	// MonitoringNamespace is where the metrics scraper runs: it may reach
	// every workload's declared ports (and the sidecar's metrics when
	// meshed). Default monitoring; "" lets no scraper in.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	MonitoringNamespace *string `json:"monitoringNamespace,omitempty"`
	// MeshNamespace is the mesh control plane's namespace: in the Istio modes
	// every workload may reach it on MeshPorts. Default istio-system.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	MeshNamespace string `json:"meshNamespace,omitempty"`
	// MeshPorts are the control plane's ports (Istio: 15012, xDS and CA).
	// +optional
	// +kubebuilder:validation:MaxItems=16
	MeshPorts []int32 `json:"meshPorts,omitzero"`
	// MeshSidecarPorts are the sidecar's own ports the scraper may reach on a
	// meshed workload (Istio: 15020 merged metrics, 15090 Envoy).
	// +optional
	// +kubebuilder:validation:MaxItems=16
	MeshSidecarPorts []int32 `json:"meshSidecarPorts,omitzero"`
	// DNS is the cluster's DNS service: every workload may query it on port 53.
	// +optional
	DNS DNSPeer `json:"dns,omitempty"`
}

// DNSPeer selects the cluster DNS server's pods.
type DNSPeer struct {
	// Namespace of the DNS pods. Default kube-system.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`
	// PodLabels select the DNS pods. Default k8s-app: kube-dns. Labels
	// written replace the default whole (a selector is one value); {}
	// selects every pod of the namespace.
	// +optional
	// +kubebuilder:validation:MaxProperties=8
	PodLabels map[string]string `json:"podLabels,omitzero"`
}

// ZoneAccess is one zone's boundary.
type ZoneAccess struct {
	// Zone is the zone this entry describes.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Zone string `json:"zone"`
	// AllowFrom lists the other zones whose workloads may call this zone's,
	// on their declared ports. A zone's own members may always call each other.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	AllowFrom []string `json:"allowFrom,omitempty"`
	// FromOutside lets traffic from outside the cluster in, through the
	// ingress controller's namespace.
	// +optional
	FromOutside bool `json:"fromOutside,omitempty"`
	// Egress lists what outside the cluster the zone's workloads may reach.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	Egress []ZoneEgress `json:"egress,omitempty"`
	// ExternalNames are the hosts outside the cluster that the zone's
	// ExternalName Services may name, and the External Secrets Operator may
	// fetch for its SecretStores and Webhook generators of the webhook
	// provider: "smtp.example.com", or "*.example.com" for any name under
	// example.com. Every other name outside the cluster is refused (rules
	// service-external-name and secret-webhook-url): the shared ingress
	// controller and gateways proxy to the name a Service aliases, and the
	// operator fetches a webhook's URL, from where they sit.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=253
	ExternalNames []string `json:"externalNames,omitempty"`
}

// ZoneEgress is one destination outside the cluster.
type ZoneEgress struct {
	// CIDR is the destination network, e.g. 0.0.0.0/0 or 203.0.113.0/24.
	// +kubebuilder:validation:MaxLength=43
	CIDR string `json:"cidr"`
	// Except are networks inside CIDR that stay out of reach, e.g. the
	// private ranges when CIDR is 0.0.0.0/0.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=43
	Except []string `json:"except,omitempty"`
	// Ports limits the destination to these TCP ports; empty allows every port.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:Minimum=1
	// +kubebuilder:validation:items:Maximum=65535
	Ports []int32 `json:"ports,omitempty"`
}

// InForce is the isolation target in force; unset is NetworkPolicy.
func (z ZoneIsolation) InForce() IsolationTarget {
	if z.Target == "" {
		return IsolationNetworkPolicy
	}
	return z.Target
}

// Ingress is the ingress controller's namespace, or "" for none.
func (z ZoneIsolation) Ingress() string { return ptr.Deref(z.IngressNamespace, "") }

// Monitoring is the metrics scraper's namespace, or "" for none.
func (z ZoneIsolation) Monitoring() string { return ptr.Deref(z.MonitoringNamespace, "") }
