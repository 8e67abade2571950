package v1alpha1

// StoragePolicy keeps data at rest encrypted: every volume claim is on a
// StorageClass known to encrypt (see docs/storage.md).
type StoragePolicy struct {
	// EncryptedClasses names StorageClasses that encrypt, beside those pave
	// recognises by their provisioner's encryption parameters (AWS EBS
	// encrypted or kmsKeyId, GCE PD disk-encryption-kms-key, Azure Disk
	// diskEncryptionSetID, Ceph RBD and Longhorn encrypted).
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=253
	EncryptedClasses []string `json:"encryptedClasses,omitzero"`
	// DefaultClass is given to claims that name no class. Default: the
	// cluster's default class if it encrypts, else the first class (by name)
	// that does.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	DefaultClass string `json:"defaultClass,omitempty"`
}
