package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pave-dev/pave/internal/localcluster"
)

// The production shape: three admission replicas behind one address (a
// Service in a cluster; a TCP balancer here) and two leader-elected
// controllers, with the managed certificate. The leader rotates the CA
// while Deployments are admitted across all three: not one request fails,
// and at every moment each replica's certificate is trusted by the caBundle
// the API server has. Killing the leader hands over: companions keep coming.
// Each process acts as its service account, with the RBAC of the install.
func TestSplitInstallRotatesUnderLoad(t *testing.T) {
	namespace(t, "pave-system", nil)
	namespace(t, "ha", map[string]string{"pave.dev/team": "ha"})
	// Every process's two ports at once: picked one by one, a port not yet
	// bound by the process it was picked for may be picked again. Picked
	// while the suite's webhook still holds its port, which the balancer
	// below takes over: picked after, that port could be handed out again.
	ports := localcluster.FreePorts(10)
	s.stopWebhook()
	t.Cleanup(func() {
		if err := s.startWebhook(); err != nil {
			t.Fatalf("restart the suite's webhook: %v", err)
		}
		if err := s.cluster.WaitAdmitting(); err != nil {
			t.Fatal(err)
		}
	})
	// Each role acts as its service account under the RBAC pave ships, as
	// installed (the suite's setUp applied it: shippedIdentity): what it
	// needs to rotate, elect and write is granted there.
	identity := map[string]string{}
	for role, sa := range map[string]string{"controller": "pave-controller", "admission": "pave-webhook"} {
		kc, err := s.cluster.ServiceAccountKubeconfig(s.dir, "pave-system", sa)
		if err != nil {
			t.Fatal(err)
		}
		identity[role] = kc
	}
	// A CA of 90s gets its successor after 60s; 10s between the steps.
	managed := []string{"--certificates", "managed", "--ca-lifetime", "90s", "--rotation-overlap", "10s", "--cert-poll", "1s"}
	var procs []*localcluster.Webhook
	t.Cleanup(func() {
		for _, p := range procs {
			p.Stop()
		}
	})
	start := func(name, role string, port int) *localcluster.Webhook {
		probe := ports[0]
		ports = ports[1:]
		bin := s.webhookBin
		if role == "admission" {
			bin = s.admissionBin // as the chart runs it
		}
		w, err := s.cluster.StartWebhook(localcluster.WebhookOptions{
			Binary: bin, CertDir: filepath.Join(s.dir, name), Port: port, ProbePort: probe,
			Log: filepath.Join(s.dir, name+".log"), Args: append([]string{"--role", role}, managed...), Kubeconfig: identity[role],
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		procs = append(procs, w)
		return w
	}
	controllers := map[string]*localcluster.Webhook{}
	for _, name := range []string{"controller-1", "controller-2"} {
		port := ports[0]
		ports = ports[1:]
		controllers[name] = start(name, "controller", port)
	}
	var backends []string
	for i := 1; i <= 3; i++ {
		port := ports[0]
		ports = ports[1:]
		start(fmt.Sprintf("admission-%d", i), "admission", port)
		backends = append(backends, fmt.Sprintf("127.0.0.1:%d", port))
	}
	served := balance(t, fmt.Sprintf("127.0.0.1:%d", s.port), backends)
	if err := s.cluster.WaitAdmitting(); err != nil {
		t.Fatal(err)
	}
	firstCA := secretKey(t, "ca-current.crt")

	// Load: four writers admitting Deployments (server-side dry run) through
	// the API server, until the rotation is over and a while after.
	cfg, err := clientcmd.BuildConfigFromFlags("", s.cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.WarningHandler = rest.NoWarnings{} // pave says what it would create, on every dry run
	cs := kubernetes.NewForConfigOrDie(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	var ok, failed, untrusted atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				d := loadDeployment(fmt.Sprintf("load-%d-%d", i, n))
				_, err := cs.AppsV1().Deployments("ha").Create(ctx, d, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
				switch {
				case ctx.Err() != nil:
				case err != nil:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				default:
					ok.Add(1)
				}
			}
		}()
	}
	// Every second, as a new API server connection would: the caBundle in
	// the webhook configuration must verify each replica's certificate.
	rotated := false
	deadline := time.Now().Add(4 * time.Minute)
	for !rotated && time.Now().Before(deadline) {
		bundle := caBundle(t)
		for _, b := range backends {
			if err := handshake(b, bundle); err != nil {
				untrusted.Add(1)
				t.Logf("%s: %v", b, err)
			}
		}
		rotated = secretKey(t, "ca-current.crt") != firstCA && secretKey(t, "rotation-phase") == "" &&
			strings.Count(bundle, "BEGIN CERTIFICATE") == 1 && bundle == secretKey(t, "ca.crt")
		time.Sleep(time.Second)
	}
	time.Sleep(3 * time.Second) // admissions with the new CA alone
	cancel()
	wg.Wait()
	if !rotated {
		t.Fatalf("the CA was not rotated within 4 minutes (phase %q)", secretKey(t, "rotation-phase"))
	}
	t.Logf("%d admissions during the rotation, %d failed; connections per replica %v", ok.Load(), failed.Load(), served())
	if failed.Load() > 0 || untrusted.Load() > 0 {
		t.Fatalf("%d admissions failed (first: %v), %d handshakes untrusted", failed.Load(), firstErr.Load(), untrusted.Load())
	}
	if ok.Load() < 50 {
		t.Fatalf("only %d admissions: the load did not run", ok.Load())
	}

	// Failover: kill the leader without releasing its lease; the other
	// takes over, and a new workload still gets its companions.
	leader := ""
	for name := range controllers {
		if log, _ := os.ReadFile(filepath.Join(s.dir, name+".log")); strings.Contains(string(log), "Successfully acquired lease") {
			leader = name
		}
	}
	if leader == "" {
		t.Fatal("no controller logged acquiring the lease")
	}
	controllers[leader].Kill()
	app := deployment("after-failover", `      containers:
      - name: app
        image: registry.example.com/app:1.0.0
        ports: [{name: metrics, containerPort: 9090}]
        readinessProbe: {httpGet: {path: /ready, port: 9090}}
`)
	if _, err := s.kubectlIn(app, "apply", "-n", "ha", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 90*time.Second, jsonpathIs([]string{"-n", "ha", "podmonitor", "pave-after-failover"}, "{.spec.podMetricsEndpoints[0].port}", "metrics"))

	// The admission replicas (the admission-only build, under its shipped
	// RBAC, caching no VirtualService of pave's) judge a gateway
	// VirtualService against the other teams' they cache: another team's
	// VirtualService of the host is denied, six times in a row once learnt.
	namespace(t, "ha-thief", map[string]string{"pave.dev/team": "thief"})
	gateway := "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: %s}\nspec: {hosts: [ha.example.com], gateways: [istio-system/public], http: [{route: [{destination: {host: web}}]}]}\n"
	if _, err := s.kubectlIn(fmt.Sprintf(gateway, "storefront"), "apply", "-n", "ha", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	denials := 0
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectlIn(fmt.Sprintf(gateway, "steal"), "create", "-n", "ha-thief", "-f", "-")
		if err == nil || !strings.Contains(err.Error(), "[ingress-host] spec.hosts[0]") {
			denials = 0
			_, _ = s.kubectl("delete", "-n", "ha-thief", "virtualservice", "steal", "--ignore-not-found")
			return fmt.Errorf("not denied by ingress-host: %v", err)
		}
		if denials++; denials < 6 {
			return fmt.Errorf("denied %d times in a row", denials)
		}
		return nil
	})
}

func loadDeployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": "load"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/app:1.0.0"}}},
			},
		},
	}
}

// secretKey reads one key of the managed certificate Secret ("" if absent).
func secretKey(t *testing.T, key string) string {
	t.Helper()
	out, _ := s.kubectl("get", "-n", "pave-system", "secret", "pave-webhook-certs", "-o", "jsonpath={.data."+strings.ReplaceAll(key, ".", "\\.")+"}")
	b, _ := base64.StdEncoding.DecodeString(out)
	return string(b)
}

// caBundle is what the API server trusts for pave's mutating webhook.
func caBundle(t *testing.T) string {
	t.Helper()
	out, err := s.kubectl("get", "mutatingwebhookconfiguration", "pave", "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := base64.StdEncoding.DecodeString(out)
	return string(b)
}

// handshake opens a TLS connection to addr trusting only bundle.
func handshake(addr, bundle string) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(bundle)) {
		return fmt.Errorf("empty caBundle")
	}
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", NextProtos: []string{"http/1.1"}})
	if err != nil {
		return err
	}
	return c.Close()
}

// balance forwards connections on addr to the backends in turn, as a
// Service would, and reports how many each got.
func balance(t *testing.T, addr string, backends []string) func() []int64 {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	counts := make([]atomic.Int64, len(backends))
	var next atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			i := int(next.Add(1)) % len(backends)
			counts[i].Add(1)
			go func() {
				defer c.Close()
				b, err := net.Dial("tcp", backends[i])
				if err != nil {
					return
				}
				defer b.Close()
				go func() { _, _ = io.Copy(b, c); b.(*net.TCPConn).CloseWrite() }()
				_, _ = io.Copy(c, b)
			}()
		}
	}()
	return func() []int64 {
		out := make([]int64, len(counts))
		for i := range counts {
			out[i] = counts[i].Load()
		}
		return out
	}
}
