package v1alpha1

// The labels and annotations pave reads and writes, in one place: this file
// mirrors docs/annotations.md, and TestLabelsMatchTheDocs holds the two
// together.
const (
	// LabelName is the Kubernetes-standard application name, written if missing.
	LabelName = "app.kubernetes.io/name"
	// LabelVersion is the application's version: the main container's image
	// tag, written on pods if missing (a template's would go stale).
	LabelVersion = "app.kubernetes.io/version"
	// LabelPartOf is the application a workload belongs to: its namespace's
	// label, else the namespace's name; written if missing.
	LabelPartOf = "app.kubernetes.io/part-of"
	// LabelManagedBy marks the companion objects pave's reconciler made.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelTeam is the owning team, on namespaces and workloads.
	LabelTeam = "pave.dev/team"
	// LabelTeamShort is understood on namespaces when LabelTeam is absent.
	LabelTeamShort = "team"
	// LabelZone is the network zone: a namespace's is the truth for its
	// workloads, which may name only a narrower one where the policy allows.
	LabelZone = "pave.dev/zone"
	// AnnotationZone names a narrower zone on a workload, for teams that
	// prefer not to label.
	AnnotationZone = LabelZone
	// LabelTier sizes a namespace: its ResourceQuota and LimitRange.
	LabelTier = "pave.dev/tier"
	// LabelCostCenter is the chargeback unit.
	LabelCostCenter = "pave.dev/cost-center"
	// LabelTrack is stable or canary on pod templates, for routing subsets.
	LabelTrack = "pave.dev/track"
	// LabelIstioInject is what Istio's own injector reads (mesh mode delegate).
	// istio-cni reads it too, as label or annotation: "false" leaves a pod's
	// traffic beside its proxy.
	LabelIstioInject = "sidecar.istio.io/inject"
	// LabelIstioInjection "enabled" on a namespace has Istio's injector
	// inject its pods but those labelled sidecar.istio.io/inject "false".
	LabelIstioInjection = "istio-injection"
	// LabelIstioRevision on a namespace or pod selects the injector of that
	// Istio revision.
	LabelIstioRevision = "istio.io/rev"
	// AnnotationIstioTemplates names the templates Istio's injector renders
	// into a pod ("gateway" for its gateways); read, never written.
	AnnotationIstioTemplates = "inject.istio.io/templates"
	// AnnotationIstioProxyImage names the image Istio's injector gives its
	// proxy in the pod, over its own; read, never written.
	AnnotationIstioProxyImage = "sidecar.istio.io/proxyImage"
	// AnnotationIstioTrafficPrefix starts the annotations by which istio-cni
	// leaves ports, addresses and interfaces out of the proxy's interception.
	AnnotationIstioTrafficPrefix = "traffic.sidecar.istio.io/"
	// AnnotationIstioStatus is what Istio's injector writes on each Pod it
	// injects, and pave on each Pod that runs its proxy (mesh mode istio):
	// istio-cni redirects a pod's traffic through its proxy only when the
	// pod carries it.
	AnnotationIstioStatus = "sidecar.istio.io/status"
	// LabelIstioTLSMode "istio" on a Pod tells the other proxies that it
	// takes mutual TLS.
	LabelIstioTLSMode = "security.istio.io/tlsMode"
	// AnnotationIstioRewriteProbes "false" on a pod keeps its probes from
	// being sent to Istio's agent, as Istio's injector reads it.
	AnnotationIstioRewriteProbes = "sidecar.istio.io/rewriteAppHTTPProbers"
	// AnnotationIstioMergeMetrics "false" on a pod keeps its metrics from
	// being merged into Istio's agent's, as Istio's injector reads it: the
	// application's port is scraped itself.
	AnnotationIstioMergeMetrics = "prometheus.istio.io/merge-metrics"
	// AnnotationVaultAgentInject "true" on a pod template has the Vault
	// Agent injector deliver its secrets: pave delivers none of its own.
	AnnotationVaultAgentInject = "vault.hashicorp.com/agent-inject"

	// AnnotationInject "false" asks to stay out of the mesh, honoured only
	// outside the policy's required zones.
	AnnotationInject = "pave.dev/inject"
	// AnnotationSidecarStatus is the hash of the sidecar template a pod
	// template was injected with.
	AnnotationSidecarStatus = "pave.dev/sidecar-status"
	// AnnotationTimeout, AnnotationRetries and AnnotationPerTryTimeout adjust
	// the mesh traffic policy within the policy's bounds.
	AnnotationTimeout       = "pave.dev/timeout"
	AnnotationRetries       = "pave.dev/retries"
	AnnotationPerTryTimeout = "pave.dev/per-try-timeout"
	// AnnotationCanaryOf makes a Deployment the canary of the named stable.
	AnnotationCanaryOf = "pave.dev/canary-of"
	// AnnotationCanaryWeight is the canary's share of traffic, 0-100.
	AnnotationCanaryWeight = "pave.dev/canary-weight"
	// AnnotationCanarySteps are rising weights ending at 100, e.g. 5,25,50,100.
	AnnotationCanarySteps = "pave.dev/canary-steps"
	// AnnotationCanaryInterval is the time per step, e.g. 10m.
	AnnotationCanaryInterval = "pave.dev/canary-interval"
	// AnnotationCanaryHeader, name=value, sends such requests to the canary.
	AnnotationCanaryHeader = "pave.dev/canary-header"
	// AnnotationBackup "false" keeps a stateful workload out of the backups,
	// honoured only where the policy allows opting out.
	AnnotationBackup = "pave.dev/backup"
	// AnnotationVeleroBackupVolumes names the pod volumes Velero backs up
	// file by file; pave writes it with a workload's data volumes.
	AnnotationVeleroBackupVolumes = "backup.velero.io/backup-volumes"
	// LabelVeleroExclude "true" keeps an object out of every Velero backup:
	// on a pod template, its pods and the volumes Velero copies from them.
	LabelVeleroExclude = "velero.io/exclude-from-backup"
	// LabelSharedVolume "true" on a PersistentVolume reserved for no claim
	// says it may go to a claim of any namespace: a pool of empty volumes,
	// such as the local static provisioner's. Without it pave's guard
	// pave-reserved-volumes refuses binding it to a team's claim.
	LabelSharedVolume = "pave.dev/shared-volume"
	// AnnotationSLOAvailability is the availability target in percent (99.9).
	AnnotationSLOAvailability = "pave.dev/slo-availability"
	// AnnotationSLOLatency is the latency target of AnnotationSLOPercentile of
	// requests (500ms).
	AnnotationSLOLatency = "pave.dev/slo-latency"
	// AnnotationSLOPercentile is the share of requests the latency target
	// holds for, as p99 or p95. Default p99.
	AnnotationSLOPercentile = "pave.dev/slo-latency-percentile"
	// AnnotationSLOWindow is the SLO window (30d).
	AnnotationSLOWindow = "pave.dev/slo-window"
	// AnnotationScrape, AnnotationScrapePort and AnnotationScrapePath are the
	// de-facto scrape annotations; pave writes them where no
	// prometheus-operator is served, and reads the path.
	AnnotationScrape     = "prometheus.io/scrape"
	AnnotationScrapePort = "prometheus.io/port"
	AnnotationScrapePath = "prometheus.io/path"
	// LabelGrafanaDashboard is what the Grafana sidecar looks for by default.
	LabelGrafanaDashboard = "grafana_dashboard"
	// AnnotationCanaryStatus is written by pave: the step and weight in force.
	AnnotationCanaryStatus = "pave.dev/canary-status"
)
