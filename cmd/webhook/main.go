// Command pave-webhook is pave's in-cluster server: the mutating and validating
// admission webhooks over the engine, with the PlatformPolicy watched and
// hot-swapped.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/certs"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/metrics"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

type options struct {
	port            int
	certDir         string
	selfSigned      bool
	hosts           string
	webhookConfig   string
	paveNamespace   string
	metricsAddr     string
	probeAddr       string
	deadline        time.Duration
	shutdownTimeout time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.port, "port", 9443, "HTTPS port of the admission webhooks")
	flag.StringVar(&o.certDir, "cert-dir", "/tmp/pave-webhook-certs", "directory with tls.crt and tls.key; reloaded when they change")
	flag.BoolVar(&o.selfSigned, "self-signed", false, "create a CA and serving certificate in --cert-dir and keep the caBundle of pave's webhook configurations in step (local clusters and demos)")
	flag.StringVar(&o.hosts, "self-signed-hosts", "localhost,127.0.0.1,pave-webhook.pave-system.svc,pave-webhook.pave-system.svc.cluster.local", "comma-separated names and IPs the self-signed certificate covers")
	flag.StringVar(&o.webhookConfig, "webhook-config-name", "pave", "name of the Mutating- and ValidatingWebhookConfiguration whose caBundle --self-signed maintains")
	flag.StringVar(&o.paveNamespace, "pave-namespace", "pave-system", "pave's own namespace, which it never mutates or validates")
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", "metrics endpoint; 0 disables it")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "healthz and readyz endpoint")
	flag.DurationVar(&o.deadline, "request-deadline", 3*time.Second, "per-request deadline, for reading the body and for the work; keep it below the webhooks' timeoutSeconds")
	flag.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long in-flight requests may take on SIGTERM")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "pave-webhook:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	log := ctrl.Log.WithName("pave")
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	if o.selfSigned {
		b, err := certs.SelfSigned(strings.Split(o.hosts, ","), time.Now(), 365*24*time.Hour)
		if err != nil {
			return fmt.Errorf("self-signed certificate: %w", err)
		}
		if err := b.Write(o.certDir); err != nil {
			return fmt.Errorf("write certificate to %s: %w", o.certDir, err)
		}
		log.Info("self-signed certificate written", "dir", o.certDir)
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	shutdown := o.shutdownTimeout
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.probeAddr,
		GracefulShutdownTimeout: &shutdown,
		// Only what the handlers read is cached: namespaces (for their labels),
		// the policy, the exceptions, the quotas (for the headroom rule) and
		// the StorageClasses (which encrypt).
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&corev1.Namespace{}: {}, &v1alpha1.PlatformPolicy{}: {}, &v1alpha1.PolicyException{}: {}, &corev1.ResourceQuota{}: {},
			&storagev1.StorageClass{}: {},
			// The companion reconcilers watch the ConfigMaps they write (the
			// dashboards): only those, not every ConfigMap of the cluster.
			managedConfigMaps(): {Label: labels.SelectorFromSet(labels.Set{v1alpha1.LabelManagedBy: "pave"})},
		}},
		Client: client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{
			&admissionregistrationv1.MutatingWebhookConfiguration{}, &admissionregistrationv1.ValidatingWebhookConfiguration{},
		}}},
		WebhookServer: webhook.NewServer(webhook.Options{
			Port:    o.port,
			CertDir: o.certDir,
			TLSOpts: []func(*tls.Config){func(c *tls.Config) {
				c.MinVersion = tls.VersionTLS12
				c.NextProtos = []string{"http/1.1"} // HTTP/2 off (CVE-2023-44487 rapid reset)
			}},
		}),
	})
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}

	m, err := metrics.New(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	if t, ok := certificateExpiry(o.certDir); ok {
		m.CertificateExpires(t)
	} else {
		log.Info("no serving certificate to read its expiry from yet", "dir", o.certDir)
	}
	engines := &pavewebhook.Engines{}
	watcher := &policyWatcher{client: mgr.GetClient(), engines: engines, log: log.WithName("policy"), recorder: mgr.GetEventRecorderFor("pave"), metrics: m}
	if err := watcher.setup(mgr); err != nil {
		return err
	}
	unserved, err := unservedKinds(mgr.GetConfig(), log.WithName("companions"))
	if err != nil {
		return fmt.Errorf("discover the companion APIs: %w", err)
	}
	env := environment.Builder{Source: environment.Cluster{Reader: mgr.GetClient()}, Now: time.Now, Unserved: unserved}
	if err := setupCompanions(mgr, engines, env, watcher, o.paveNamespace, m, log.WithName("companions")); err != nil {
		return err
	}
	if o.selfSigned {
		if err := mgr.Add(&caInjector{client: mgr.GetClient(), name: o.webhookConfig, caFile: o.certDir + "/ca.crt", log: log.WithName("ca-injector")}); err != nil {
			return err
		}
	}
	common := pavewebhook.Common{
		Engines:       engines,
		Env:           env,
		Deadline:      o.deadline,
		SkipNamespace: o.paveNamespace,
		Metrics:       m,
	}
	hooks := mgr.GetWebhookServer()
	hooks.Register("/mutate", pavewebhook.WithReadDeadline(o.deadline,
		(&admission.Webhook{Handler: &pavewebhook.Mutate{Common: common}}).WithRecoverPanic(true)))
	hooks.Register("/validate", pavewebhook.WithReadDeadline(o.deadline,
		(&admission.Webhook{Handler: &pavewebhook.Validate{Common: common, Log: log.WithName("validate")}}).WithRecoverPanic(true)))

	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	// Ready only when the webhook serves, the caches are synced and a policy is
	// compiled: before that, a request would fail or use the wrong policy.
	if err := mgr.AddReadyzCheck("webhook", hooks.StartedChecker()); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("policy", watcher.ready); err != nil {
		return err
	}
	log.Info("starting", "port", o.port, "certDir", o.certDir)
	return mgr.Start(ctrl.SetupSignalHandler())
}

// certificateExpiry reads when the serving certificate in dir expires.
func certificateExpiry(dir string) (time.Time, bool) {
	data, err := os.ReadFile(filepath.Join(dir, "tls.crt"))
	if err != nil {
		return time.Time{}, false
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return time.Time{}, false
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return time.Time{}, false
	}
	return cert.NotAfter, true
}

// managedConfigMaps is the unstructured ConfigMap the companion reconcilers
// watch, as the cache keys it.
func managedConfigMaps() client.Object {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
	return u
}
