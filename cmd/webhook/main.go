// Command pave-webhook is pave's in-cluster server: the mutating and validating
// admission webhooks over the engine, with the PlatformPolicy watched and
// hot-swapped.
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	policyreportv1alpha2 "github.com/kyverno/kyverno/api/policyreport/v1alpha2"
	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/certs"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/storage"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

func run(o options) error {
	log := ctrl.Log.WithName("pave")
	if err := tuneMemory(o, log); err != nil {
		return err
	}
	if o.certificates == "" {
		o.certificates = "files"
		if o.selfSigned {
			o.certificates = "self-signed"
		}
	}
	admits, controls := o.role != roleController, o.role != roleAdmission
	switch {
	case o.role != roleAll && o.role != roleAdmission && o.role != roleController:
		return fmt.Errorf("--role %q: use admission, controller or all", o.role)
	case o.certificates != "self-signed" && o.certificates != "managed" && o.certificates != "files":
		return fmt.Errorf("--certificates %q: use self-signed, managed or files", o.certificates)
	case controls && !controllerLinked:
		return fmt.Errorf("--role %s: this is the admission-only build of pave-webhook (without the APIs the controller writes); use --role admission, or the full pave-webhook binary", o.role)
	case o.reconcileWorkers < 1:
		return fmt.Errorf("--reconcile-workers %d: reconcile at least one workload at a time (%d is the default)", o.reconcileWorkers, defaultReconcileWorkers)
	case o.certificates == "self-signed" && o.role != roleAll:
		return fmt.Errorf("--certificates self-signed makes a CA per process: it works only with --role all (one process); use managed")
	}
	o.rotation.Hosts = strings.Split(o.hosts, ",")
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme, openreportsv1alpha1.AddToScheme, policyreportv1alpha2.AddToScheme, gatewayv1.Install} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	// Uncompressed, as the controller-manager and the scheduler talk to the
	// API server: beside it, gzip costs both ends CPU and saves nothing, and
	// since Kubernetes 1.37 it covers every event of an informer's watch
	// (WatchList compression), a fifth of the controller's decoding.
	cfg.DisableCompression = true
	ctx := ctrl.SetupSignalHandler()
	secretKey := client.ObjectKey{Namespace: o.paveNamespace, Name: o.certSecret}
	var loader *certLoader
	switch {
	case o.certificates == "self-signed":
		b, err := certs.SelfSigned(o.rotation.Hosts, time.Now(), 365*24*time.Hour)
		if err != nil {
			return fmt.Errorf("self-signed certificate: %w", err)
		}
		if err := b.Write(o.certDir); err != nil {
			return fmt.Errorf("write certificate to %s: %w", o.certDir, err)
		}
		log.Info("self-signed certificate written", "dir", o.certDir)
	case o.certificates == "managed" && admits:
		direct, err := client.New(cfg, client.Options{Scheme: scheme})
		if err != nil {
			return err
		}
		loader = &certLoader{client: direct, key: secretKey, dir: o.certDir, every: o.certPoll, log: log.WithName("certificates")}
	}

	m, err := metrics.New(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, managerOptions(o, scheme, controls))
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	if loader != nil {
		// The webhook server cannot start without a certificate. In role all
		// the keeper is this process: it makes the first one here.
		loader.metrics = m
		if o.role == roleAll {
			k := &certKeeper{client: loader.client.(client.Client), key: secretKey, rotation: o.rotation, recorder: mgr.GetEventRecorderFor("pave"), metrics: m, log: loader.log}
			if _, err := k.step(ctx); err != nil {
				return fmt.Errorf("certificates: %w", err)
			}
		}
		if err := loader.initial(ctx); err != nil {
			return err
		}
		if err := mgr.Add(loader); err != nil {
			return err
		}
	}
	if o.certificates != "managed" {
		// Someone else keeps --cert-dir (cert-manager through the kubelet,
		// or the self-signed CA above): follow the file.
		w := &certFileWatch{dir: o.certDir, every: o.certPoll, metrics: m, log: log.WithName("certificates")}
		w.check()
		if err := mgr.Add(w); err != nil {
			return err
		}
	}
	engines := &pavewebhook.Engines{}
	watcher := &policyWatcher{client: mgr.GetClient(), engines: engines, log: log.WithName("policy"), recorder: mgr.GetEventRecorderFor("pave"), metrics: m, ungoverned: o.ungoverned(),
		companions: generators(o), writeStatus: controls}
	if err := watcher.setup(mgr); err != nil {
		return err
	}
	unserved, err := unservedKinds(mgr.GetConfig(), watcher.companions, log.WithName("companions"))
	if err != nil {
		return fmt.Errorf("discover the companion APIs: %w", err)
	}
	env := environment.Builder{Source: environment.Cluster{Reader: mgr.GetClient(), Live: mgr.GetAPIReader()}, Now: time.Now, Unserved: unserved}
	auditor, err := setupAudit(mgr, o, engines, env, watcher, m, admits, controls, log.WithName("audit"))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if controls {
		if err := setupController(mgr, o, engines, env, watcher, m, secretKey, log); err != nil {
			return err
		}
	}
	if admits {
		if err := setupAdmission(mgr, o, engines, env, watcher, m, auditor, log); err != nil {
			return err
		}
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if !admits {
		// A controller is ready when it runs; the leader does the work.
		if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
			return err
		}
	}
	log.Info("starting", "role", o.role, "certificates", o.certificates, "port", o.port, "certDir", o.certDir)
	return mgr.Start(ctx)
}

// managerOptions: an admission replica caches only what the handlers read,
// without managed fields; the controller adds the workloads and companions
// its reconcilers watch, and is leader-elected.
func managerOptions(o options, scheme *runtime.Scheme, controls bool) ctrl.Options {
	shutdown := o.shutdownTimeout
	byObject := map[client.Object]cache.ByObject{
		&corev1.Namespace{}: {Transform: namespaceLabels}, &v1alpha1.PlatformPolicy{}: {}, &v1alpha1.PolicyException{}: {}, &corev1.ResourceQuota{}: {},
		&storagev1.StorageClass{}: {}, &schedulingv1.PriorityClass{}: {}, &policyv1.PodDisruptionBudget{}: {Transform: budgetSpec},
		// What a claim that names no volume would be bound to
		// (claim-unreserved-volume): a volume's fit, not its source.
		&corev1.PersistentVolume{}: {Transform: storage.VolumeFit},
		// Only their hosts: the ingress-host rule asks who routes a host.
		// Not the Gateway API routes: the cache asks the API server about
		// every kind listed here when it is made, and a cluster without
		// Gateway API would keep pave from starting (companionMetadata
		// trims them; indexRoutes starts them once they are served).
		&networkingv1.Ingress{}: {Transform: ingressHosts},
		// Of Services their metadata, and of that only the names
		// external-dns publishes, which are hosts too.
		ingress.ServiceMetadata(): {Transform: publishedNames},
	}
	if controls {
		// The companion reconcilers watch the ConfigMaps they write (the
		// dashboards): only those, not every ConfigMap of the cluster.
		byObject[managedConfigMaps()] = cache.ByObject{Label: labels.SelectorFromSet(labels.Set{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave})}
		// Of the workloads they reconcile, what the companions are made of.
		for _, obj := range []client.Object{&appsv1.Deployment{}, &appsv1.StatefulSet{}, &appsv1.DaemonSet{}} {
			byObject[obj] = cache.ByObject{Transform: companionInputs}
		}
	}
	var teams labels.Selector
	if o.role == roleAdmission {
		teams = teamsOnly(byObject)
	}
	return ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		GracefulShutdownTimeout: &shutdown,
		LeaderElection:          o.role == roleController && o.leaderElect,
		LeaderElectionID:        "pave-controller",
		LeaderElectionNamespace: o.paveNamespace,
		// A leader that stops hands over at once, not after the lease runs out.
		LeaderElectionReleaseOnCancel: true,
		Cache:                         cache.Options{ByObject: byObject, DefaultTransform: companionMetadata, DefaultLabelSelector: teams},
		// Companions are read from the informers the reconcilers watch
		// them with (controller.CacheObject: their metadata, or Istio's
		// routing rules unstructured), not from the API server each time.
		Client: client.Options{Cache: &client.CacheOptions{Unstructured: true, DisableFor: []client.Object{
			&admissionregistrationv1.MutatingWebhookConfiguration{}, &admissionregistrationv1.ValidatingWebhookConfiguration{},
			&corev1.Secret{}, // the certificate Secret only: never cache every Secret
		}}},
		WebhookServer: webhook.NewServer(webhook.Options{
			Port:    o.port,
			CertDir: o.certDir,
			TLSOpts: []func(*tls.Config){func(c *tls.Config) {
				c.MinVersion = tls.VersionTLS12
				c.NextProtos = []string{"http/1.1"} // HTTP/2 off (CVE-2023-44487 rapid reset)
			}},
		}),
	}
}

// setupController starts what needs one writer: the companion and namespace
// reconcilers, the certificate keeper and the caBundle injector.
func setupController(mgr ctrl.Manager, o options, engines *pavewebhook.Engines, env environment.Builder, watcher *policyWatcher, m *metrics.Pave, secretKey client.ObjectKey, log logr.Logger) error {
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), &appsv1.Deployment{}, environment.IndexCanaryOf, environment.CanaryOfIndex); err != nil {
		return fmt.Errorf("index Deployments by canary: %w", err)
	}
	if err := setupCompanions(mgr, engines, env, watcher, o, m, log.WithName("companions")); err != nil {
		return err
	}
	switch o.certificates {
	case "self-signed":
		caFile := filepath.Join(o.certDir, "ca.crt")
		return mgr.Add(&caInjector{client: mgr.GetClient(), name: o.webhookConfig, log: log.WithName("ca-injector"),
			bundle: func(context.Context) ([]byte, error) { return os.ReadFile(caFile) }})
	case "managed":
		if err := mgr.Add(&certKeeper{client: mgr.GetClient(), key: secretKey, rotation: o.rotation, recorder: mgr.GetEventRecorderFor("pave"),
			metrics: m, log: log.WithName("certificates")}); err != nil {
			return err
		}
		return mgr.Add(&caInjector{client: mgr.GetClient(), name: o.webhookConfig, log: log.WithName("ca-injector"),
			bundle: secretBundle(mgr.GetClient(), secretKey), leader: true})
	}
	return nil
}

// setupAdmission registers the webhooks. Ready only when the webhook
// serves, the caches are synced and a policy is compiled: before that, a
// request would fail or use the wrong policy.
func setupAdmission(mgr ctrl.Manager, o options, engines *pavewebhook.Engines, env environment.Builder, watcher *policyWatcher, m *metrics.Pave,
	auditor pavewebhook.Auditor, log logr.Logger) error {
	env, err := indexRoutes(mgr, env, log)
	if err != nil {
		return err
	}
	common := pavewebhook.Common{Engines: engines, Env: env, Deadline: o.deadline, Ungoverned: o.ungoverned(), Metrics: m, Audit: auditor,
		Decoder: workload.NewDecoder()}
	hooks := mgr.GetWebhookServer()
	hooks.Register("/mutate", pavewebhook.WithReadDeadline(o.deadline,
		pavewebhook.Serve(&pavewebhook.Mutate{Common: common}, log.WithName("mutate"))))
	hooks.Register("/validate", pavewebhook.WithReadDeadline(o.deadline,
		pavewebhook.Serve(&pavewebhook.Validate{Common: common, Log: log.WithName("validate")}, log.WithName("validate"))))
	if err := mgr.AddReadyzCheck("webhook", hooks.StartedChecker()); err != nil {
		return err
	}
	return mgr.AddReadyzCheck("policy", watcher.ready)
}
