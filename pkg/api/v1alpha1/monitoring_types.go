package v1alpha1

// Scrape targets: how a workload's metrics port is scraped.
const (
	ScrapePodMonitor     = "PodMonitor"
	ScrapeServiceMonitor = "ServiceMonitor"
	ScrapeAnnotations    = "annotations"
	ScrapeOff            = "off"
)

// MonitoringPolicy says how services are scraped, which SLO targets teams may
// set and how they are measured, and what each service's dashboard and each
// team's cost view show (see docs/observability.md).
type MonitoringPolicy struct {
	// Scrape is how a workload that names a metrics port is scraped:
	// PodMonitor (the default) or ServiceMonitor (prometheus-operator), or
	// annotations (prometheus.io/scrape, port and path on the pod template),
	// or "off". Where the cluster does not serve the operator's CRDs,
	// PodMonitor and ServiceMonitor fall back to annotations.
	// +optional
	// +kubebuilder:validation:Enum=PodMonitor;ServiceMonitor;annotations;off
	Scrape string `json:"scrape,omitempty"`
	// PortNames are the container port names that say "scrape me", looked
	// for in this order. Default [metrics, http-metrics].
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=15
	PortNames []string `json:"portNames,omitzero"`
	// SLO bounds the targets teams set and says how they are measured.
	// +optional
	SLO SLOPolicy `json:"slo,omitempty"`
	// Dashboards says what each service's Grafana dashboard shows.
	// +optional
	Dashboards DashboardPolicy `json:"dashboards,omitempty"`
	// Cost prices what workloads request, for the cost view per team.
	// +optional
	Cost CostPolicy `json:"cost,omitempty"`
}

// SLOPolicy bounds SLO targets and holds the PromQL that measures them.
type SLOPolicy struct {
	// MinAvailability and MaxAvailability bound an availability target, in
	// percent. Default 90 and 99.99: below 90 is no promise, above 99.99 is
	// a budget of four minutes a month that no alert can defend.
	// +optional
	// +kubebuilder:validation:Pattern=`^(100|[0-9]{1,2}(\.[0-9]{1,4})?)$`
	MinAvailability string `json:"minAvailability,omitempty"`
	// +optional
	// +kubebuilder:validation:Pattern=`^(100|[0-9]{1,2}(\.[0-9]{1,4})?)$`
	MaxAvailability string `json:"maxAvailability,omitempty"`
	// MinLatency is the lowest latency target. Default 10ms: below it the
	// measurement's own noise decides.
	// +optional
	MinLatency *Duration `json:"minLatency,omitempty"`
	// Windows are the SLO windows teams may choose, in days ("30d").
	// Default [7d, 28d, 30d].
	// +optional
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:items:Pattern=`^[1-9][0-9]?d$`
	Windows []string `json:"windows,omitzero"`
	// DefaultWindow is the window of an SLO that names none. Default 30d.
	// +optional
	// +kubebuilder:validation:Pattern=`^[1-9][0-9]?d$`
	DefaultWindow string `json:"defaultWindow,omitempty"`
	// Meshed measures services in the mesh (default: Istio's standard
	// request metrics); Plain measures the others (default:
	// http_requests_total and http_request_duration_seconds).
	// +optional
	Meshed SLIQueries `json:"meshed,omitempty"`
	// +optional
	Plain SLIQueries `json:"plain,omitempty"`
}

// SLIQueries are PromQL templates (Go text/template) of a service's request
// rates. They see {{.Namespace}}, {{.Name}} (app.kubernetes.io/name),
// {{.Workload}} (the object's name) and {{.Window}} (a range such as 5m);
// Fast also sees {{.LatencySeconds}} and {{.LatencyMillis}}, the latency
// target as a histogram bucket's le.
type SLIQueries struct {
	// Total is the rate of all requests.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Total string `json:"total,omitempty"`
	// Errors is the rate of failed requests.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Errors string `json:"errors,omitempty"`
	// Fast is the rate of requests answered within the latency target.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Fast string `json:"fast,omitempty"`
	// Timed is the rate of requests the latency histogram counted.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Timed string `json:"timed,omitempty"`
	// Duration is the 99th percentile latency in seconds, for dashboards.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Duration string `json:"duration,omitempty"`
	// LatencyBuckets are the bucket bounds (le) of the histogram Fast
	// reads. A latency target must be one of them: Fast selects the bucket
	// at the target, and of any other bound no series exists, so the SLO
	// would measure nothing and never alert. Default: Istio's standard
	// buckets for meshed (0.5ms to 1h), the Prometheus client libraries'
	// default for plain (5ms to 10s). A policy that writes its own Fast and
	// no buckets has its latency targets judged against none.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	LatencyBuckets []Duration `json:"latencyBuckets,omitzero"`
}

// DashboardPolicy says what each service's Grafana dashboard shows.
type DashboardPolicy struct {
	// Enabled generates a dashboard ConfigMap per service. Default true.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// Labels are put on each dashboard ConfigMap, for the Grafana sidecar
	// to find it. Default grafana_dashboard: "1". Labels written replace
	// the default whole: they are what one sidecar selects.
	// +optional
	Labels map[string]string `json:"labels,omitzero"`
	// Template replaces the built-in dashboard: a Go text/template that
	// yields Grafana dashboard JSON, with the SLI queries' fields and
	// {{.Queries}} (Rate, Errors, Duration, CPU, CPURequest, Memory,
	// MemoryRequest, Cost).
	// +optional
	// +kubebuilder:validation:MaxLength=262144
	Template string `json:"template,omitempty"`
}

// On reports whether dashboards are generated.
func (d DashboardPolicy) On() bool { return d.Enabled == nil || *d.Enabled }

// CostPolicy prices requested resources: the cost view multiplies what each
// workload requests by these unit prices (requests, not usage, because
// requests are what the scheduler reserves and the team is charged for).
type CostPolicy struct {
	// CPUCoreHour is the price of one requested core for an hour.
	// +optional
	// +kubebuilder:validation:Pattern=`^[0-9]+(\.[0-9]+)?$`
	CPUCoreHour string `json:"cpuCoreHour,omitempty"`
	// MemoryGiBHour is the price of one requested GiB of memory for an hour.
	// +optional
	// +kubebuilder:validation:Pattern=`^[0-9]+(\.[0-9]+)?$`
	MemoryGiBHour string `json:"memoryGiBHour,omitempty"`
	// Currency names the unit of the prices, for the dashboards. Default USD.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8
	Currency string `json:"currency,omitempty"`
}
