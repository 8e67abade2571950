package v1alpha1

// Report formats of AuditPolicy.Reports.
const (
	ReportsOpenReports  = "OpenReports"
	ReportsPolicyReport = "PolicyReport"
	ReportsOff          = "off"
)

// AuditReportName is the name of the report pave keeps in each namespace,
// in the format AuditPolicy.Reports names.
const AuditReportName = "pave"

// AuditPolicy says how pave records its decisions (see docs/audit.md): which
// admission outcomes make a record, the report each namespace gets, and how
// often the background audit re-judges what already runs.
type AuditPolicy struct {
	// Outcomes are the admission outcomes that make a decision record: deny,
	// warn, waived (an exception admitted it) and record (a rule in audit
	// mode). Default all four.
	// +optional
	// +kubebuilder:validation:MaxItems=4
	// +kubebuilder:validation:items:Enum=deny;warn;waived;record
	// +listType=set
	Outcomes []string `json:"outcomes,omitzero"`
	// Reports is the format of each namespace's report: OpenReports (an
	// openreports.io/v1alpha1 Report, the default), PolicyReport (a
	// wgpolicyk8s.io/v1alpha2 PolicyReport) or "off". Never both.
	// +optional
	// +kubebuilder:validation:Enum=OpenReports;PolicyReport;off
	Reports string `json:"reports,omitempty"`
	// MaxResults caps the results of one namespace's report. Default 500;
	// beyond it the least recently seen go first, and the report stays far
	// below etcd's object size limit.
	// +optional
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=1000
	MaxResults *int32 `json:"maxResults,omitempty"`
	// Interval is how often the background audit re-judges every running
	// workload, besides each time the policy changes. Default 1h; 0s runs
	// it on policy changes only.
	// +optional
	Interval *Duration `json:"interval,omitempty"`
}
