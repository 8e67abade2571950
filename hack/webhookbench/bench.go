package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/internal/localcluster"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/manifest"
)

// bench holds the running pieces: pave's two processes and the no-op server.
type bench struct {
	o                     options
	cs                    kubernetes.Interface
	cl                    *localcluster.Cluster
	controller, admission *localcluster.Webhook
	// controllerOpts start the controller, again after controllerStoppedArms.
	controllerOpts     localcluster.WebhookOptions
	pavePort, noopPort int
	inGeneratorPort    int // the former floor, in this process
	pprofPort          int
	// controllerPprofPort serves the controller's profiles (with -profile).
	controllerPprofPort int
	metricsPort         int // the controller's /metrics
	noop                *exec.Cmd
	noopCA              []byte
	noopDir             string // the no-op server's certificates and patches
	client              *http.Client
	// numbers numbers the requests of the "-new" arms, so none repeats.
	numbers atomic.Int64
}

// The namespaces of the arms through the API server, by the label bench-arm.
const (
	nsNone = "bench-none" // no webhook matches it
	nsNoop = "bench-noop" // only the no-op webhooks
	// only the no-op webhooks, the mutating one sending pave's patch for a
	// Deployment: the floor of a webhook that makes pave's object
	nsNoopPatched = "bench-noop-patched"
	// only the no-op webhooks, the mutating one adding one label to a
	// Deployment: the floor of a webhook that changes the object at all
	nsNoopLabelled = "bench-noop-labelled"
	nsPave         = "bench-pave" // pave, mesh on
	// pave, its Deployments opted out of the mesh: a public zone, where
	// the mesh is not required
	nsPaveUnmeshed = "bench-pave-unmeshed"
	// The opted-out phase's own namespaces for the plain arms: each of its
	// four arms starts empty, where bench-none and bench-noop would hold
	// the creates of the phase before. The controller-manager's work for
	// a Deployment grows with the Deployments beside it in its namespace.
	nsNoneUnmeshed = nsNone + unmeshedSuffix
	nsNoopUnmeshed = nsNoop + unmeshedSuffix
)

// baselineNamespaces are the arms' namespaces pave does not govern: its
// webhook configurations exclude them, and so does its controller.
var baselineNamespaces = []string{nsNone, nsNoop, nsNoopPatched, nsNoopLabelled, nsNoneUnmeshed, nsNoopUnmeshed}

func newBench(ctx context.Context, cl *localcluster.Cluster, bin, admissionBin, dir string, o options) (*bench, error) {
	// Every port at once: picked one by one, a port not yet bound by the
	// process it was picked for may be picked again.
	ports := localcluster.FreePorts(9)
	b := &bench{o: o, cl: cl, cs: kubernetes.NewForConfigOrDie(cl.Config), pavePort: ports[0], noopPort: ports[1], inGeneratorPort: ports[2], client: newClient(o.c)}
	for name, labels := range map[string]map[string]string{
		"pave-system": nil, nsNone: {"bench-arm": "none"}, nsNoop: {"bench-arm": "noop"}, nsNoopPatched: {"bench-arm": "noop-patched"},
		nsNoneUnmeshed: {"bench-arm": "none"}, nsNoopUnmeshed: {"bench-arm": "noop"},
		nsNoopLabelled: {"bench-arm": "noop-labelled"}, nsPave: {"bench-arm": "pave", v1alpha1.LabelTeam: benchdata.Team},
		nsPaveUnmeshed: {"bench-arm": "pave-unmeshed", v1alpha1.LabelTeam: benchdata.Team, v1alpha1.LabelZone: "public"},
		"bench-fill":   {"bench-arm": "pave", v1alpha1.LabelTeam: benchdata.Team},
	} {
		if _, err := b.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	if _, err := cl.Kubectl(benchdata.Policy, "apply", "-f", "-"); err != nil {
		return nil, err
	}
	if err := b.webhookConfigurations(ctx); err != nil {
		return nil, err
	}
	// pave's two processes act as their service accounts under the RBAC it
	// ships, as installed: what they may do, and what the webhooks'
	// matchConditions skip (the controller's dashboards), is the install's.
	if _, err := cl.Kubectl("", "apply", "-f", "manifests/deploy/rbac.yaml"); err != nil {
		return nil, err
	}
	identity := map[string]string{}
	for _, sa := range []string{"pave-controller", "pave-webhook"} {
		kc, err := cl.ServiceAccountKubeconfig(dir, "pave-system", sa)
		if err != nil {
			return nil, err
		}
		identity[sa] = kc
	}
	managed := []string{"--certificates", "managed", "--audit-log", "off"}
	controllerArgs := append([]string{"--role", "controller",
		// One controller, started again after controllerStoppedArms without
		// waiting for a lease to expire.
		"--leader-elect=false",
		// The baseline arms' namespaces are ones pave does not govern, as
		// its webhook configurations (below) exclude them: until stop 37
		// the controller wrote companions for their Deployments too.
		"--exclude-namespaces=" + strings.Join(baselineNamespaces, ",")}, managed...)
	if o.profile != "" {
		b.controllerPprofPort = ports[8]
		controllerArgs = append(controllerArgs, "--pprof-bind-address", fmt.Sprintf("127.0.0.1:%d", b.controllerPprofPort))
	}
	if o.reconcileWorkers > 0 {
		controllerArgs = append(controllerArgs, fmt.Sprintf("--reconcile-workers=%d", o.reconcileWorkers))
	}
	var err error
	b.metricsPort = ports[3]
	b.controllerOpts = localcluster.WebhookOptions{Binary: bin, CertDir: filepath.Join(dir, "controller"), Port: ports[4], ProbePort: ports[5], MetricsPort: b.metricsPort,
		Log: filepath.Join(dir, "controller.log"), Args: controllerArgs, Env: []string{memoryLimit(controllerLimit)}, Kubeconfig: identity["pave-controller"]}
	if b.controller, err = cl.StartWebhook(b.controllerOpts); err != nil {
		return nil, err
	}
	admission := append([]string{"--role", "admission"}, managed...)
	if o.profile != "" {
		b.pprofPort = ports[6]
		admission = append(admission, "--pprof-bind-address", fmt.Sprintf("127.0.0.1:%d", b.pprofPort))
	}
	if b.admission, err = cl.StartWebhook(localcluster.WebhookOptions{Binary: admissionBin, CertDir: filepath.Join(dir, "admission"), Port: b.pavePort, ProbePort: ports[7],
		Log: filepath.Join(dir, "admission.log"), Args: admission, Env: []string{memoryLimit(admissionLimit)}, Kubeconfig: identity["pave-webhook"]}); err != nil {
		return nil, err
	}
	b.noopDir = filepath.Join(dir, "noop")
	if b.noop, b.noopCA, err = noopProcess(ctx, b.noopDir, b.noopPort); err != nil {
		return nil, err
	}
	if err := noopInGenerator(b.noopDir, b.inGeneratorPort); err != nil {
		return nil, err
	}
	if err := b.noopConfigurations(ctx, "noop", "/noop"); err != nil {
		return nil, err
	}
	if err := b.noopConfigurations(ctx, "noop-patched", patchedPath+apiArm); err != nil {
		return nil, err
	}
	if err := b.noopConfigurations(ctx, "noop-labelled", patchedPath+labelArm); err != nil {
		return nil, err
	}
	// The mesh policy is in force when a mutation injects the sidecar.
	probe := b.webhookArm("mutate", "/mutate", benchdata.Compliant(1))
	probe.check = injects(true)
	if err := b.until(probe); err != nil {
		return nil, fmt.Errorf("pave is not injecting with the mesh policy: %w", err)
	}
	if !o.meshOff {
		return b, nil
	}
	// The same policy with the mesh off, in force when nothing is injected.
	if _, err := cl.Kubectl(strings.Replace(benchdata.Policy, "mesh: {mode: istio}", `mesh: {mode: "off"}`, 1), "apply", "-f", "-"); err != nil {
		return nil, err
	}
	probe.check = injects(false)
	if err := b.until(probe); err != nil {
		return nil, fmt.Errorf("pave still injects with the mesh off: %w", err)
	}
	return b, nil
}

// until posts probe until its answer passes its check, for a minute at most.
func (b *bench) until(probe arm) error {
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		_, err := post(b.client, probe, probe.body, true)
		if err == nil || time.Now().After(deadline) {
			return err
		}
	}
}

// injects checks that a /mutate answer allows and does (or does not) inject
// the sidecar.
func injects(want bool) func(*admissionv1.AdmissionResponse) error {
	return func(r *admissionv1.AdmissionResponse) error {
		switch got := strings.Contains(string(r.Patch), "istio-proxy"); {
		case !r.Allowed:
			return fmt.Errorf("denied: %v", r.Result)
		case got != want:
			return fmt.Errorf("sidecar injected: %v, want %v", got, want)
		}
		return nil
	}
}

func (b *bench) stop() {
	for _, w := range []*localcluster.Webhook{b.admission, b.controller} {
		if w != nil {
			w.Stop()
		}
	}
	if b.noop != nil {
		_ = b.noop.Process.Kill()
		_ = b.noop.Wait()
	}
}

// shipped are pave's webhook configurations as the manifests ship them.
func shipped() (*admissionregistrationv1.MutatingWebhookConfiguration, *admissionregistrationv1.ValidatingWebhookConfiguration, error) {
	data, err := os.ReadFile("manifests/webhook/webhook-configurations.yaml")
	if err != nil {
		return nil, nil, err
	}
	var m admissionregistrationv1.MutatingWebhookConfiguration
	var v admissionregistrationv1.ValidatingWebhookConfiguration
	for _, doc := range manifest.Split("webhook-configurations.yaml", data) {
		into := any(&v)
		if strings.Contains(string(doc.Raw), "kind: MutatingWebhookConfiguration") {
			into = &m
		}
		if err := yaml.Unmarshal(doc.Raw, into); err != nil {
			return nil, nil, err
		}
	}
	if len(m.Webhooks) == 0 || len(v.Webhooks) == 0 {
		return nil, nil, errors.New("manifests/webhook/webhook-configurations.yaml: no mutating or no validating webhooks")
	}
	return &m, &v, nil
}

// webhookConfigurations installs pave's own configurations, pointed at the
// admission process, minus the namespaces of the baseline arms.
func (b *bench) webhookConfigurations(ctx context.Context) error {
	m, v, err := shipped()
	if err != nil {
		return err
	}
	notBaseline := metav1.LabelSelectorRequirement{Key: v1alpha1.LabelNamespaceName, Operator: metav1.LabelSelectorOpNotIn, Values: baselineNamespaces}
	for i := range m.Webhooks {
		m.Webhooks[i].ClientConfig = b.paveURL(m.Webhooks[i].ClientConfig)
		m.Webhooks[i].NamespaceSelector.MatchExpressions = append(m.Webhooks[i].NamespaceSelector.MatchExpressions, notBaseline)
	}
	for i := range v.Webhooks {
		v.Webhooks[i].ClientConfig = b.paveURL(v.Webhooks[i].ClientConfig)
		v.Webhooks[i].NamespaceSelector.MatchExpressions = append(v.Webhooks[i].NamespaceSelector.MatchExpressions, notBaseline)
	}
	if _, err := b.cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, m, metav1.CreateOptions{}); err != nil {
		return err
	}
	_, err = b.cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, v, metav1.CreateOptions{})
	return err
}

func (b *bench) paveURL(c admissionregistrationv1.WebhookClientConfig) admissionregistrationv1.WebhookClientConfig {
	url := fmt.Sprintf("https://127.0.0.1:%d%s", b.pavePort, *c.Service.Path)
	return admissionregistrationv1.WebhookClientConfig{URL: &url} // the controller injects the caBundle
}

// noopConfigurations match the namespaces labelled bench-arm=arm with
// webhooks that do nothing, with pave's rules and conditions: the floor any
// webhook that sees what pave sees pays (the Deployment, and the ReplicaSet
// the controller-manager makes of it, which only the validating webhook is
// sent: pave never changes it). The mutating ones are served at
// mutatePath, the validating ones at /noop; both configurations are named
// bench-<arm>.
func (b *bench) noopConfigurations(ctx context.Context, arm, mutatePath string) error {
	name := "bench-" + arm
	m, v, err := shipped()
	if err != nil {
		return err
	}
	client := func(path string) admissionregistrationv1.WebhookClientConfig {
		url := fmt.Sprintf("https://127.0.0.1:%d%s", b.noopPort, path)
		return admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: b.noopCA}
	}
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"bench-arm": arm}}
	m.ObjectMeta, v.ObjectMeta = metav1.ObjectMeta{Name: name}, metav1.ObjectMeta{Name: name}
	for i := range m.Webhooks {
		m.Webhooks[i].Name, m.Webhooks[i].ClientConfig, m.Webhooks[i].NamespaceSelector = arm+"-"+m.Webhooks[i].Name, client(mutatePath), sel
	}
	for i := range v.Webhooks {
		v.Webhooks[i].Name, v.Webhooks[i].ClientConfig, v.Webhooks[i].NamespaceSelector = arm+"-"+v.Webhooks[i].Name, client("/noop"), sel
	}
	if _, err := b.cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, m, metav1.CreateOptions{}); err != nil {
		return err
	}
	_, err = b.cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, v, metav1.CreateOptions{})
	return err
}

// profile records the admission server's CPU profile while each of pave's
// arms runs alone, to prefix-<arm>.pprof, and its heap after them, to
// prefix-heap.pprof: the live heap is what each collection marks again.
func (b *bench) profile(prefix string) error {
	arms, err := b.arms()
	if err != nil {
		return err
	}
	for _, a := range arms[:2] {
		done := make(chan error, 1)
		go func() { done <- fetchProfile(b.pprofPort, "profile?seconds=4", prefix+"-"+a.name+".pprof") }()
		if _, err := hammer(b.client, a, b.o.c, 5*time.Second); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
	}
	return fetchProfile(b.pprofPort, "heap?gc=1", prefix+"-heap.pprof")
}

// fetchProfile writes /debug/pprof/<what> of the process serving it on port
// to file.
func fetchProfile(port int, what, file string) error {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/%s", port, what))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

// The manifests' memory limits. In their containers pave-webhook sets its
// Go memory limit to 90 % of the cgroup's; here, with no cgroup limit, the
// benchmark sets the same by GOMEMLIMIT, so the processes collect as they
// would there.
const (
	controllerLimit = 1 << 30
	admissionLimit  = 256 << 20
)

func memoryLimit(containerLimit int64) string {
	return fmt.Sprintf("GOMEMLIMIT=%d", containerLimit*9/10)
}
