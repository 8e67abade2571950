// Package e2e proves pave through a real API server: etcd, kube-apiserver and
// kube-controller-manager built from Go modules (hack/controlplane.sh), pave's
// CRDs and webhook configurations applied with the real kubectl, the real
// pave-webhook binary serving them, and workloads created with the real kubectl
// and helm.
package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pave-dev/pave/internal/localcluster"
)

// suite is the shared control plane and webhook of this package's tests.
type suite struct {
	root, assets, dir string
	cluster           *localcluster.Cluster
	webhookBin        string
	paveBin           string
	port              int
	probePort         int
	webhook           *exec.Cmd
	webhookDone       chan error
	webhookLog        *os.File
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
	for name, pkg := range map[string]string{"pave-webhook": "./cmd/webhook", "pave": "./cmd/pave"} {
		out := filepath.Join(s.dir, name)
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = s.root
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", name, err, b)
		}
	}
	s.webhookBin, s.paveBin = filepath.Join(s.dir, "pave-webhook"), filepath.Join(s.dir, "pave")
	logFile, err := os.Create(filepath.Join(s.dir, "controller-manager.log"))
	if err != nil {
		return err
	}
	s.cluster, err = localcluster.Start(context.Background(), localcluster.Options{
		Assets: s.assets, CRDs: []string{filepath.Join(s.root, "manifests", "crds")}, Dir: s.dir, Log: logFile,
	})
	if err != nil {
		return err
	}
	s.port, s.probePort = freePort(), freePort()
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
	return s.waitAdmitting()
}

func (s *suite) startWebhook() error {
	var err error
	s.webhookLog, err = os.OpenFile(filepath.Join(s.dir, "webhook.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	s.webhook = exec.Command(s.webhookBin, "--self-signed",
		"--cert-dir", filepath.Join(s.dir, "certs"),
		"--port", fmt.Sprint(s.port),
		"--metrics-bind-address", "0",
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", s.probePort))
	s.webhook.Env = append(os.Environ(), "KUBECONFIG="+s.cluster.Kubeconfig)
	s.webhook.Stdout, s.webhook.Stderr = s.webhookLog, s.webhookLog
	if err := s.webhook.Start(); err != nil {
		return err
	}
	s.webhookDone = make(chan error, 1)
	go func() { s.webhookDone <- s.webhook.Wait() }()
	return s.waitReady()
}

// waitReady polls pave's readyz until the policy is loaded and the server serves.
func (s *suite) waitReady() error {
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", s.probePort)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.webhookDone:
			return fmt.Errorf("pave-webhook exited: %v (see %s)", err, s.webhookLog.Name())
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("pave-webhook not ready within 60s (see %s)", s.webhookLog.Name())
}

// waitAdmitting waits until the API server calls pave with a trusted CA: a
// server-side dry run of a plain Pod comes back hardened.
func (s *suite) waitAdmitting() error {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"probe","namespace":"default"},"spec":{"containers":[{"name":"c","image":"nginx:1.27.3"}]}}`
	deadline := time.Now().Add(60 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		out, err := s.kubectlIn(pod, "create", "--dry-run=server", "-o", "jsonpath={.spec.securityContext.runAsNonRoot}", "-f", "-")
		if err == nil && out == "true" {
			return nil
		}
		last = fmt.Sprint(out, err)
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("the API server does not reach pave: %s", last)
}

func (s *suite) stopWebhook() {
	if s.webhook == nil || s.webhook.Process == nil {
		return
	}
	_ = s.webhook.Process.Signal(os.Interrupt)
	select {
	case <-s.webhookDone:
	case <-time.After(15 * time.Second):
		_ = s.webhook.Process.Kill()
		<-s.webhookDone
	}
	s.webhook = nil
}

func (s *suite) tearDown() {
	s.stopWebhook()
	if s.cluster != nil {
		_ = s.cluster.Stop()
	}
}

// kubectl runs the real kubectl against the cluster; the error carries stderr.
func (s *suite) kubectl(args ...string) (string, error) { return s.kubectlIn("", args...) }

func (s *suite) kubectlIn(stdin string, args ...string) (string, error) {
	return s.run(filepath.Join(s.assets, "kubectl"), stdin, args...)
}

func (s *suite) helm(args ...string) (string, error) {
	return s.run(filepath.Join(s.assets, "helm"), "", args...)
}

func (s *suite) run(bin, stdin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.cluster.Kubeconfig, "HELM_CACHE_HOME="+filepath.Join(s.dir, "helm-cache"),
		"HELM_CONFIG_HOME="+filepath.Join(s.dir, "helm-config"), "HELM_DATA_HOME="+filepath.Join(s.dir, "helm-data"))
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %v: %s", filepath.Base(bin), strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// insecureHTTP is for pave's own TLS endpoint checks only.
var insecureHTTP = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 5 * time.Second}
