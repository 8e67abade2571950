package v1alpha1

// SecretPolicy delivers every Secret a workload references from the org's
// secret store, through the External Secrets Operator (see docs/data.md).
type SecretPolicy struct {
	// Store names the ClusterSecretStore Secrets are delivered from. Empty:
	// pave delivers nothing (teams manage their Secrets themselves).
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Store string `json:"store,omitempty"`
	// OperatorNamespace is where the External Secrets Operator runs. Its
	// service accounts write the ExternalSecrets and PushSecrets of the
	// platform's ClusterExternalSecrets and ClusterPushSecrets into teams'
	// namespaces, under any key, so the store guard trusts them; and its own
	// objects are the platform's. Default external-secrets.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	OperatorNamespace string `json:"operatorNamespace,omitempty"`
	// RefreshInterval is how often a delivered Secret is read from the store
	// again: a rotation in the store reaches the cluster within it. Default 1h.
	// +optional
	RefreshInterval *Duration `json:"refreshInterval,omitempty"`
}
