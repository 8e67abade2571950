package v1alpha1

// BackupPolicy backs every namespace up with Velero, the data volumes of
// its stateful workloads included (see docs/data.md).
type BackupPolicy struct {
	// Enabled schedules the backups. Default true; false schedules none
	// (and removes the Schedules pave made).
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// Schedule is the cron schedule of each namespace's backup. Default
	// daily at 02:00.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Schedule string `json:"schedule,omitempty"`
	// TTL is how long a backup is kept. Default 720h (30 days).
	// +optional
	TTL *Duration `json:"ttl,omitempty"`
	// StorageLocation names Velero's BackupStorageLocation; empty is
	// Velero's default location.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	StorageLocation string `json:"storageLocation,omitempty"`
	// VeleroNamespace is where Velero runs and reads its Schedules. Default velero.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	VeleroNamespace string `json:"veleroNamespace,omitempty"`
	// AllowOptOut lets a stateful workload opt out with the annotation
	// pave.dev/backup: "false" (a cache, whose data can be rebuilt).
	// Default false: the rule backup-covered reports it.
	// +optional
	AllowOptOut bool `json:"allowOptOut,omitempty"`
}

// On reports whether the policy schedules backups.
func (b BackupPolicy) On() bool { return (b.Enabled == nil || *b.Enabled) && b.Schedule != "" }
