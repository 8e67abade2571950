package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// PlatformPolicy is the org's standards for workloads. pave reads the one named
// "default"; fields left out keep the built-in defaults (see docs/policy.md).
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=ppol
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="In force",type=integer,JSONPath=`.status.inForceGeneration`,description="the generation pave enforces"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'default'",message="pave reads only the PlatformPolicy named 'default'; rename it"
type PlatformPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec PlatformPolicySpec `json:"spec,omitempty"`
	// +optional
	Status PlatformPolicyStatus `json:"status,omitempty"`
}

// PlatformPolicyStatus says whether the policy is in force. pave writes it.
type PlatformPolicyStatus struct {
	// Conditions: Ready is True when the current generation is in force, False
	// (reason Rejected) when it was rejected and an earlier one stays in
	// force, and False (reason NoPolicyInForce) when pave has none to enforce
	// and refuses to serve.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// InForceGeneration is the generation pave enforces.
	// +optional
	InForceGeneration int64 `json:"inForceGeneration,omitempty"`
	// LastAccepted is the spec of InForceGeneration, kept so that a restarted
	// pave enforces it, not the built-in defaults, while the stored spec is
	// rejected.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	LastAccepted *runtime.RawExtension `json:"lastAccepted,omitempty"`
}

// The spec is laid over the built-in policy field by field, so a value
// written must survive encoding even where it is a zero: its lists are
// omitzero (an empty list written is kept; one left out is not) and its
// numbers whose zero is a setting are pointers. With omitempty,
// `required: []` or `attempts: 0` vanished and the built-in value stayed in
// force (policy.TestZeroValuesAreNotIgnored).

// PlatformPolicySpec holds the standards, one section per concern. Fields
// left out keep the built-in policy's values; a zero written (an empty
// list, 0) is a value.
type PlatformPolicySpec struct {
	// Images restricts where container images may come from.
	// +optional
	Images ImagePolicy `json:"images,omitempty"`
	// Labels says which labels every workload must carry.
	// +optional
	Labels LabelPolicy `json:"labels,omitempty"`
	// Resources holds the requests and limits given to containers that set none.
	// +optional
	Resources ResourcePolicy `json:"resources,omitempty"`
	// Security holds the pod security settings.
	// +optional
	Security SecurityPolicy `json:"security,omitempty"`
	// Zones names the network zones workloads live in.
	// +optional
	Zones ZonePolicy `json:"zones,omitempty"`
	// Mesh says whether and how workloads join the service mesh.
	// +optional
	Mesh MeshPolicy `json:"mesh,omitempty"`
	// Namespaces says who may set the labels that decide a namespace's
	// isolation and size.
	// +optional
	Namespaces NamespacePolicy `json:"namespaces,omitempty"`
	// Backups says when and where namespaces are backed up.
	// +optional
	Backups BackupPolicy `json:"backups,omitempty"`
	// Secrets says where the Secrets workloads reference are delivered from.
	// +optional
	Secrets SecretPolicy `json:"secrets,omitempty"`
	// Storage says which StorageClasses encrypt and which one claims get.
	// +optional
	Storage StoragePolicy `json:"storage,omitempty"`
	// Monitoring says how services are scraped, which SLOs they may set and
	// what their dashboards and cost views show.
	// +optional
	Monitoring MonitoringPolicy `json:"monitoring,omitempty"`
	// Tiers size namespaces with a ResourceQuota and a LimitRange.
	// +optional
	Tiers TierPolicy `json:"tiers,omitempty"`
	// Exceptions says where PolicyExceptions are honoured from.
	// +optional
	Exceptions ExceptionPolicy `json:"exceptions,omitempty"`
	// Audit says which decisions are recorded, in which report format, and
	// how often running workloads are re-judged.
	// +optional
	Audit AuditPolicy `json:"audit,omitempty"`
	// Rules overrides the mode or severity of individual rules.
	// +optional
	// +listType=map
	// +listMapKey=id
	Rules []RuleSetting `json:"rules,omitzero"`
}

// ImagePolicy restricts container images.
type ImagePolicy struct {
	// AllowedRegistries lists registry hosts, optionally with a path prefix
	// (registry.example.com, ghcr.io/acme, localhost:5000). Empty allows
	// every registry. Images without a host are docker.io images: Docker
	// Hub's official images are docker.io/library. A host has a dot or a
	// port, or is localhost, as image references read it: a bare name such
	// as ubuntu would be a Docker Hub path and allow nothing.
	// +optional
	// +kubebuilder:validation:items:Pattern=`^((([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?|localhost)(:[0-9]+)?|[a-z0-9]([a-z0-9-]*[a-z0-9])?:[0-9]+)(/[a-z0-9._-]+)*/?$`
	AllowedRegistries []string `json:"allowedRegistries,omitzero"`
}

// AllowedRegistryPattern is the pattern of an entry of
// ImagePolicy.AllowedRegistries, as the CRD validates it (the marker above
// carries the same; a test holds the two together).
const AllowedRegistryPattern = `^((([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?|localhost)(:[0-9]+)?|[a-z0-9]([a-z0-9-]*[a-z0-9])?:[0-9]+)(/[a-z0-9._-]+)*/?$`

// LabelPolicy lists the labels the platform needs but cannot derive.
type LabelPolicy struct {
	// Required labels must be on every workload, set by the team or derived from the
	// namespace. Default: [pave.dev/team].
	// +optional
	Required []string `json:"required,omitzero"`
	// DefaultCostCenter is the cost-centre label value for workloads whose namespace
	// names none. Empty leaves the label off.
	// +optional
	DefaultCostCenter string `json:"defaultCostCenter,omitempty"`
}

// ResourcePolicy holds container resource defaults. A default request above its
// default limit is rejected: by the API server for cpu and memory (a CEL rule
// over every key exceeds its cost budget), and for every resource when the
// policy is compiled.
// +kubebuilder:validation:XValidation:rule="!has(self.defaultRequests) || !has(self.defaultLimits) || !('cpu' in self.defaultRequests) || !('cpu' in self.defaultLimits) || quantity(self.defaultRequests['cpu']).compareTo(quantity(self.defaultLimits['cpu'])) <= 0",message="defaultRequests.cpu must not exceed defaultLimits.cpu"
// +kubebuilder:validation:XValidation:rule="!has(self.defaultRequests) || !has(self.defaultLimits) || !('memory' in self.defaultRequests) || !('memory' in self.defaultLimits) || quantity(self.defaultRequests['memory']).compareTo(quantity(self.defaultLimits['memory'])) <= 0",message="defaultRequests.memory must not exceed defaultLimits.memory"
type ResourcePolicy struct {
	// DefaultRequests are set on containers that request nothing for that resource.
	// +optional
	// +kubebuilder:validation:MaxProperties=8
	DefaultRequests corev1.ResourceList `json:"defaultRequests,omitempty"`
	// DefaultLimits are set on containers that have no limit for that resource.
	// Leave cpu out to avoid CPU throttling; memory is the limit that matters.
	// +optional
	// +kubebuilder:validation:MaxProperties=8
	DefaultLimits corev1.ResourceList `json:"defaultLimits,omitempty"`
}

// SecurityPolicy holds pod security settings.
type SecurityPolicy struct {
	// PodSecurityLevel is the Pod Security Standard every workload must meet.
	// +optional
	// +kubebuilder:validation:Enum=restricted;baseline
	PodSecurityLevel string `json:"podSecurityLevel,omitempty"`
	// AutomountServiceAccountToken is what pods that do not say get. Default false:
	// a pod asks for the token explicitly when it talks to the API server.
	// +optional
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty"`
	// EphemeralContainers says how debug containers (kubectl debug) are judged.
	// By default exactly like every other container.
	// +optional
	EphemeralContainers EphemeralContainerPolicy `json:"ephemeralContainers,omitempty"`
}

// EphemeralContainerPolicy relaxes rules for debug containers only.
type EphemeralContainerPolicy struct {
	// RelaxedRules are rule ids (a trailing * matches a prefix, e.g. pss/*)
	// whose findings on an ephemeral container are waived: shown to the user
	// as a warning, never denied. Findings on the pod's other containers are
	// judged as always. Example: [pss/runAsNonRoot, pss/capabilities_restricted]
	// lets an on-call engineer attach a root debugger with SYS_PTRACE.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=128
	RelaxedRules []string `json:"relaxedRules,omitzero"`
}

// ExceptionPolicy says where PolicyExceptions may live.
type ExceptionPolicy struct {
	// Namespaces whose PolicyExceptions pave honours. Exceptions elsewhere are
	// ignored, so only those who may write there can waive a rule. Default: [pave-system].
	// +optional
	Namespaces []string `json:"namespaces,omitzero"`
}

// PlatformPolicyList is a list of PlatformPolicies.
//
// +kubebuilder:object:root=true
type PlatformPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PlatformPolicy `json:"items"`
}
