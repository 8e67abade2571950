package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PolicyException waives named rules for matching workloads until it expires.
// It is honoured only in the namespaces the PlatformPolicy lists.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=pex
// +kubebuilder:printcolumn:name="Rules",type=string,JSONPath=`.spec.rules`
// +kubebuilder:printcolumn:name="Expires",type=string,JSONPath=`.spec.expiresAt`
// +kubebuilder:printcolumn:name="Approved-By",type=string,JSONPath=`.spec.approvedBy`
type PolicyException struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec PolicyExceptionSpec `json:"spec"`
}

// PolicyExceptionSpec names what is waived, for whom, why, by whom and until when.
type PolicyExceptionSpec struct {
	// Rules waived, by id (see `pave explain`).
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:items:MinLength=1
	Rules []string `json:"rules"`
	// Match selects the workloads the exception covers.
	Match ExceptionMatch `json:"match"`
	// Reason says why the rule cannot be met; it shows in audit records.
	// +kubebuilder:validation:MinLength=10
	Reason string `json:"reason"`
	// ApprovedBy names who approved the waiver.
	// +kubebuilder:validation:MinLength=1
	ApprovedBy string `json:"approvedBy"`
	// ExpiresAt is when the exception stops applying.
	ExpiresAt metav1.Time `json:"expiresAt"`
}

// ExceptionMatch selects workloads. Every non-empty list must match.
// +kubebuilder:validation:XValidation:rule="size(self.names) > 0",message="match.names must name at least one workload (use \"*\" deliberately)"
type ExceptionMatch struct {
	// Namespaces of the workloads. Empty means the exception's own namespace.
	// +optional
	Namespaces []string `json:"namespaces,omitempty"`
	// Names of the workloads; a trailing "*" matches a prefix.
	// +kubebuilder:validation:MinItems=1
	Names []string `json:"names"`
	// Kinds of the workloads (Deployment, Pod, ...). Empty matches every kind.
	// +optional
	Kinds []string `json:"kinds,omitempty"`
}

// PolicyExceptionList is a list of PolicyExceptions.
//
// +kubebuilder:object:root=true
type PolicyExceptionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PolicyException `json:"items"`
}
