// Package e2e proves pave through a real API server: etcd, kube-apiserver and
// kube-controller-manager built from Go modules (hack/controlplane.sh), pave's
// CRDs and webhook configurations applied with the real kubectl, the real
// pave-webhook binary serving them, and workloads created with the real kubectl
// and helm.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pave-dev/pave/internal/localcluster"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
)

// suite is the shared control plane and webhook of this package's tests.
type suite struct {
	root, assets, dir string
	cluster           *localcluster.Cluster
	webhookBin        string
	admissionBin      string
	paveBin           string
	port              int
	probePort         int
	metricsPort       int
	webhook           *localcluster.Webhook
	// paveKubeconfig is the identity the suite's pave acts as: a service
	// account in pave-system granted what the shipped RBAC grants its two
	// roles, since this one process serves both.
	paveKubeconfig string
	// grpcRouteCRD is installed by a test, after pave started: a route
	// kind the cluster serves only later (TestRouteKindServedLaterIsJudged).
	grpcRouteCRD string
}

var s suite // set up once in TestMain; tests read it

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, _ := filepath.Abs("../..")
	s = suite{root: root, assets: os.Getenv("PAVE_ASSETS")}
	if s.assets == "" {
		s.assets = filepath.Join(root, "bin", "assets")
	}
	if _, err := os.Stat(filepath.Join(s.assets, "kube-apiserver")); err != nil {
		msg := "e2e: no control plane in " + s.assets + "; run make test (it builds one with hack/controlplane.sh)"
		if os.Getenv("PAVE_E2E_REQUIRED") != "" {
			fmt.Fprintln(os.Stderr, msg)
			return 1
		}
		fmt.Fprintln(os.Stderr, msg+"; skipping")
		return 0
	}
	dir, err := os.MkdirTemp("", "pave-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s.dir = dir
	if err := s.setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup:", err)
		s.tearDown()
		return 1
	}
	code := m.Run()
	s.tearDown()
	if code == 0 {
		os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "e2e: logs kept in", dir)
	}
	return code
}

func (s *suite) setUp() error {
	// pave-admission is pave-webhook's admission-only build, as the image
	// ships it for the admission replicas.
	for name, args := range map[string][]string{"pave-webhook": {"./cmd/webhook"}, "pave-admission": {"-tags", "admissiononly", "./cmd/webhook"}, "pave": {"./cmd/pave"}} {
		out := filepath.Join(s.dir, name)
		cmd := exec.Command("go", append([]string{"build", "-o", out}, args...)...)
		cmd.Dir = s.root
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", name, err, b)
		}
	}
	s.webhookBin, s.admissionBin, s.paveBin = filepath.Join(s.dir, "pave-webhook"), filepath.Join(s.dir, "pave-admission"), filepath.Join(s.dir, "pave")
	// helm keeps its caches inside the test directory, not the user's home.
	for _, env := range []string{"HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"} {
		if err := os.Setenv(env, filepath.Join(s.dir, strings.ToLower(env))); err != nil {
			return err
		}
	}
	logFile, err := os.Create(filepath.Join(s.dir, "controller-manager.log"))
	if err != nil {
		return err
	}
	// The real Istio, Cilium, network-policy-api, Velero, OpenReports,
	// PolicyReport and Gateway API CRDs, as their Go modules ship them.
	dirs, err := apiModuleDirs()
	if err != nil {
		return err
	}
	// External Secrets' Go API is not a dependency of pave (pave builds its
	// objects unstructured), the prometheus-operator's CRDs are not in its
	// API module, and cert-manager's are for the cert-manager overlay: their
	// modules are fetched for the CRDs alone.
	var esoDir, popDir, cmDir string
	for mod, dir := range map[string]*string{externalSecretsModule: &esoDir, prometheusOperatorModule: &popDir, certManagerModule: &cmDir} {
		if *dir, err = moduleDir(mod); err != nil {
			return err
		}
	}
	crds := []string{
		filepath.Join(s.root, "manifests", "crds"),
		filepath.Join(dirs[0], "kubernetes", "customresourcedefinitions.gen.yaml"),
		filepath.Join(dirs[1], "pkg", "k8s", "apis", "cilium.io", "client", "crds", "v2", "ciliumnetworkpolicies.yaml"),
		filepath.Join(dirs[2], "config", "crd", "standard", "policy.networking.k8s.io_clusternetworkpolicies.yaml"),
		filepath.Join(dirs[3], "config", "crd", "v1", "bases", "velero.io_schedules.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "external-secrets.io_externalsecrets.yaml"),
		filepath.Join(popDir, "example", "prometheus-operator-crd", "monitoring.coreos.com_podmonitors.yaml"),
		filepath.Join(popDir, "example", "prometheus-operator-crd", "monitoring.coreos.com_servicemonitors.yaml"),
		filepath.Join(popDir, "example", "prometheus-operator-crd", "monitoring.coreos.com_prometheusrules.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "external-secrets.io_clustersecretstores.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "external-secrets.io_pushsecrets.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "external-secrets.io_secretstores.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "generators.external-secrets.io_webhooks.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "generators.external-secrets.io_ecrauthorizationtokens.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "generators.external-secrets.io_stssessiontokens.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "generators.external-secrets.io_gcraccesstokens.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "generators.external-secrets.io_acraccesstokens.yaml"),
		filepath.Join(esoDir, "config", "crds", "bases", "generators.external-secrets.io_vaultdynamicsecrets.yaml"),
		filepath.Join(cmDir, "deploy", "crds", "cert-manager.io_issuers.yaml"),
		filepath.Join(cmDir, "deploy", "crds", "cert-manager.io_certificates.yaml"),
		filepath.Join(cmDir, "deploy", "crds", "cert-manager.io_certificaterequests.yaml"),
		// The two report formats of the audit, as OpenReports and Kyverno ship them.
		filepath.Join(dirs[4], "config", "crd", "openreports.io_reports.yaml"),
		filepath.Join(dirs[5], "config", "crds", "policyreport", "wgpolicyk8s.io_policyreports.yaml"),
		// The Gateway API routes whose hostnames pave judges (GRPCRoute
		// comes later: s.grpcRouteCRD).
		filepath.Join(dirs[6], "config", "crd", "standard", "gateway.networking.k8s.io_httproutes.yaml"),
		filepath.Join(dirs[6], "config", "crd", "standard", "gateway.networking.k8s.io_tlsroutes.yaml"),
		filepath.Join(dirs[6], "config", "crd", "standard", "gateway.networking.k8s.io_listenersets.yaml"),
	}
	s.grpcRouteCRD = filepath.Join(dirs[6], "config", "crd", "standard", "gateway.networking.k8s.io_grpcroutes.yaml")
	s.cluster, err = localcluster.Start(context.Background(), localcluster.Options{
		Assets: s.assets, CRDs: crds, Dir: s.dir, Log: logFile,
	})
	if err != nil {
		return err
	}
	ports := localcluster.FreePorts(3)
	s.port, s.probePort, s.metricsPort = ports[0], ports[1], ports[2]
	if s.paveKubeconfig, err = s.shippedIdentity(); err != nil {
		return err
	}
	if err := s.startWebhook(); err != nil {
		return err
	}
	// The shipped configurations, pointed at this machine's webhook.
	cfg, err := s.kubectl("kustomize", filepath.Join(s.root, "manifests", "local"))
	if err != nil {
		return err
	}
	cfg = strings.ReplaceAll(cfg, "https://127.0.0.1:9443/", fmt.Sprintf("https://127.0.0.1:%d/", s.port))
	if _, err := s.kubectlIn(cfg, "apply", "-f", "-"); err != nil {
		return err
	}
	if err := s.cluster.WaitAdmitting(); err != nil {
		return err
	}
	return s.cluster.WaitGuarded(reportguard.PolicyName)
}

func (s *suite) startWebhook() error {
	w, err := s.cluster.StartWebhook(localcluster.WebhookOptions{
		Binary: s.webhookBin, CertDir: filepath.Join(s.dir, "certs"), Port: s.port, ProbePort: s.probePort, MetricsPort: s.metricsPort,
		Log: filepath.Join(s.dir, "webhook.log"), Kubeconfig: s.paveKubeconfig,
	})
	s.webhook = w
	return err
}

// allRoles is the service account the suite's pave (--role all) acts as.
const allRoles = "pave-e2e-all-roles"

// shippedIdentity is the suite's pave's identity: the RBAC pave ships,
// both roles' rules bound to one service account (localcluster's
// ShippedIdentity), so a permission missing from
// manifests/deploy/rbac.yaml fails the test that needs it.
func (s *suite) shippedIdentity() (string, error) {
	return s.cluster.ShippedIdentity(s.dir, filepath.Join(s.root, "manifests", "deploy", "rbac.yaml"), allRoles)
}

func (s *suite) stopWebhook() {
	if s.webhook != nil {
		s.webhook.Stop()
		s.webhook = nil
	}
}

func (s *suite) tearDown() {
	s.stopWebhook()
	if s.cluster != nil {
		_ = s.cluster.Stop()
	}
}

// kubectl runs the real kubectl against the cluster; the error carries stderr.
func (s *suite) kubectl(args ...string) (string, error) { return s.cluster.Kubectl("", args...) }

func (s *suite) kubectlIn(stdin string, args ...string) (string, error) {
	return s.cluster.Kubectl(stdin, args...)
}

// helm runs the real helm, with its caches inside the test directory.
func (s *suite) helm(args ...string) (string, error) {
	return s.cluster.Run(filepath.Join(s.assets, "helm"), "", args...)
}

func (s *suite) run(bin, stdin string, args ...string) (string, error) {
	return s.cluster.Run(bin, stdin, args...)
}

// apiModuleDirs are the directories of the modules go.mod names that ship
// the CRDs of APIs pave writes: istio.io/api, cilium, network-policy-api,
// velero, reports-api and kyverno, in that order.
func apiModuleDirs() ([]string, error) {
	mods, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "istio.io/api", "github.com/cilium/cilium", "sigs.k8s.io/network-policy-api", "github.com/vmware-tanzu/velero",
		"github.com/openreports/reports-api", "github.com/kyverno/kyverno", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		return nil, fmt.Errorf("locate the istio.io/api, cilium, network-policy-api, velero, reports-api, kyverno and gateway-api modules: %w", err)
	}
	return strings.Fields(string(mods)), nil
}

// externalSecretsModule and prometheusOperatorModule ship the CRDs of the
// External Secrets Operator and of the prometheus-operator.
const (
	externalSecretsModule    = "github.com/external-secrets/external-secrets@v0.16.2"
	prometheusOperatorModule = "github.com/prometheus-operator/prometheus-operator@v0.85.0"
	// certManagerModule is the one go.mod names (its typed API checks the
	// cert-manager overlay).
	certManagerModule = "github.com/cert-manager/cert-manager@v1.21.2"
)

// moduleDir downloads a module (from the module proxy, as go build would)
// and returns its directory.
func moduleDir(mod string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		return "", fmt.Errorf("download %s: %w", mod, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		return "", fmt.Errorf("download %s: no directory in %s (%v)", mod, out, err)
	}
	return m.Dir, nil
}
