package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/certs"
)

// options are pave-webhook's flags.
type options struct {
	role          string
	certificates  string
	certSecret    string
	certPoll      time.Duration
	rotation      certs.Rotation
	leaderElect   bool
	port          int
	certDir       string
	selfSigned    bool
	hosts         string
	webhookConfig string
	paveNamespace string
	// excludeNamespaces are namespaces pave does not govern besides the
	// system ones and its own.
	excludeNamespaces string
	metricsAddr       string
	probeAddr         string
	pprofAddr         string
	deadline          time.Duration
	shutdownTimeout   time.Duration
	auditLog          string
	auditQueue        int
	auditFlush        time.Duration
	// reconcileWorkers is how many workloads (and, apart, namespaces) the
	// controller reconciles at once.
	reconcileWorkers int
	// heapBudget is how large the heap may grow before Go collects
	// (memory.go); empty: the role's default.
	heapBudget string
}

func main() {
	var o options
	flag.StringVar(&o.role, "role", roleAll, "what this process does: admission (serve the webhooks; any number of replicas), controller (companions, certificates; leader-elected) or all (one process, for local clusters)")
	flag.StringVar(&o.certificates, "certificates", "", "self-signed (a CA in --cert-dir, one process), managed (kept in --cert-secret by the controller, loaded by admission replicas) or files (--cert-dir is kept by someone else, e.g. cert-manager). Default: self-signed with --self-signed, else files")
	flag.StringVar(&o.certSecret, "cert-secret", "pave-webhook-certs", "the Secret in --pave-namespace that holds the managed certificates")
	flag.DurationVar(&o.certPoll, "cert-poll", 5*time.Second, "how often admission replicas read the managed certificate (with files: the certificate in --cert-dir, for its expiry metric)")
	flag.DurationVar(&o.rotation.CALifetime, "ca-lifetime", 365*24*time.Hour, "managed certificates: the CA's lifetime; a successor is made with a third of it left")
	flag.DurationVar(&o.rotation.ServingLifetime, "serving-lifetime", 90*24*time.Hour, "managed certificates: the serving certificate's lifetime; renewed with a third of it left")
	flag.DurationVar(&o.rotation.Overlap, "rotation-overlap", 5*time.Minute, "managed certificates: time between the steps of a CA rotation (longer than a caBundle takes to reach the API server and the Secret every replica)")
	flag.BoolVar(&o.leaderElect, "leader-elect", true, "controller role: run the reconcilers and the certificate keeper only on the elected leader")
	flag.IntVar(&o.port, "port", 9443, "HTTPS port of the admission webhooks")
	flag.StringVar(&o.certDir, "cert-dir", "/tmp/pave-webhook-certs", "directory with tls.crt and tls.key; reloaded when they change")
	flag.BoolVar(&o.selfSigned, "self-signed", false, "same as --certificates=self-signed")
	flag.StringVar(&o.hosts, "cert-hosts", "localhost,127.0.0.1,pave-webhook.pave-system.svc,pave-webhook.pave-system.svc.cluster.local", "comma-separated names and IPs the self-signed or managed serving certificate covers")
	flag.StringVar(&o.hosts, "self-signed-hosts", o.hosts, "old name of --cert-hosts")
	flag.StringVar(&o.webhookConfig, "webhook-config-name", "pave", "name of the Mutating- and ValidatingWebhookConfiguration whose caBundle --self-signed maintains")
	flag.StringVar(&o.paveNamespace, "pave-namespace", v1alpha1.DefaultPaveNamespace, "pave's own namespace, which it never mutates or validates")
	flag.StringVar(&o.excludeNamespaces, "exclude-namespaces", "", "comma-separated namespaces pave does not govern besides kube-system, kube-public, kube-node-lease and --pave-namespace: those the webhook configurations' namespaceSelector excludes (the chart's webhooks.excludeNamespaces). The controller writes nothing there and deletes what it wrote there before, the background audit does not judge them, and admission allows their requests unjudged should a configuration send one")
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", "metrics endpoint; 0 disables it")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "healthz and readyz endpoint")
	flag.StringVar(&o.pprofAddr, "pprof-bind-address", "", "Go's pprof endpoint, for profiling (e.g. 127.0.0.1:6060); empty: off")
	flag.DurationVar(&o.deadline, "request-deadline", 3*time.Second, "per-request deadline, for reading the body and for the work; keep it below the webhooks' timeoutSeconds")
	flag.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long in-flight requests may take on SIGTERM")
	flag.StringVar(&o.auditLog, "audit-log", "-", "where decision records go, one JSON line each (docs/audit.md): - (standard output; pave's own log is standard error), a file, or off")
	flag.IntVar(&o.auditQueue, "audit-queue", 4096, "decision records that may wait to be written; beyond, they are dropped and counted (pave_audit_dropped_total), never waited for")
	flag.DurationVar(&o.auditFlush, "audit-flush", 2*time.Second, "how often an admission replica writes its findings into the namespace reports")
	flag.IntVar(&o.reconcileWorkers, "reconcile-workers", defaultReconcileWorkers, "controller role: how many workloads of each kind, and how many namespaces, are reconciled at once; with one, a burst of creates leaves the last ones' companions (their NetworkPolicies among them) minutes behind")
	zapOpts := zap.Options{}
	flag.StringVar(&o.heapBudget, "heap-budget", "", "how large the Go heap may grow before a collection when Go's default (twice the live heap) would collect sooner, e.g. 24Mi; 0: Go's default. Default: "+defaultAdmissionHeapBudget+" for --role admission, 0 otherwise. GOGC in the environment wins")
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "pave-webhook:", err)
		os.Exit(1)
	}
}

// ungoverned are the namespaces pave never governs: the system's, its own
// and --exclude-namespaces, as the webhook configurations exclude them.
func (o options) ungoverned() []string { return v1alpha1.Ungoverned(o.paveNamespace, o.excluded()...) }

// excluded are --exclude-namespaces' names.
func (o options) excluded() []string { return splitNames(o.excludeNamespaces) }

// defaultReconcileWorkers is how many workloads of each kind the controller
// reconciles at once unless told (docs/sizing.md).
const defaultReconcileWorkers = 4

// Roles a process can take.
const (
	roleAll        = "all"
	roleAdmission  = "admission"
	roleController = "controller"
)

// splitNames are the names of a comma-separated list, blanks around them
// and empty ones left out.
func splitNames(list string) []string {
	var out []string
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	return out
}
