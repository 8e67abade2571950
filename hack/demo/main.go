// Command demo is `make demo`: a real control plane on this machine, pave's
// webhook in front of it, the example service rendered and applied, what pave
// added shown as a diff, a denial with its fix and as the audit kept it, the
// mesh turned on and a canary split. It then leaves everything
// running for the user's own kubectl until Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pmezard/go-difflib/difflib"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/internal/localcluster"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
)

type demo struct {
	root, assets, dir, pave, webhookBin string
	cluster                             *localcluster.Cluster
	webhook                             *localcluster.Webhook
}

func main() {
	var d demo
	var noWait bool
	flag.StringVar(&d.assets, "assets", "bin/assets", "control plane binaries (hack/controlplane.sh)")
	flag.StringVar(&d.dir, "dir", "bin/demo", "where the kubeconfig, certificates and logs go")
	flag.StringVar(&d.pave, "pave", "bin/pave", "the pave CLI")
	flag.StringVar(&d.webhookBin, "webhook", "bin/pave-webhook", "the pave-webhook server")
	flag.BoolVar(&noWait, "no-wait", false, "stop everything after the walkthrough instead of waiting for Ctrl-C")
	flag.Parse()
	d.root, _ = os.Getwd()
	for _, p := range []*string{&d.assets, &d.dir, &d.pave, &d.webhookBin} {
		*p, _ = filepath.Abs(*p)
	}
	// The signals stay caught until everything is stopped: a second Ctrl-C
	// while the control plane shuts down must not leave etcd behind.
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := d.run(ctx, noWait)
	d.stop()
	stopSignals()
	if err != nil {
		fmt.Fprintln(os.Stderr, "\ndemo failed:", err)
		fmt.Fprintln(os.Stderr, "logs:", d.dir)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Printf("\n\033[1m==> "+format+"\033[0m\n", args...) }

// The ports pave-webhook serves on: manifests/local points the webhook
// configurations at webhookPort.
const webhookPort, probePort = 9443, 18081

func (d *demo) run(ctx context.Context, noWait bool) error {
	// Before anything is started or d.dir emptied: a demo still running
	// keeps its kubeconfig and logs there.
	if err := localcluster.PortsFree(webhookPort, probePort); err != nil {
		return err
	}
	_ = os.RemoveAll(d.dir)
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	step("Starting etcd, kube-apiserver and kube-controller-manager on 127.0.0.1")
	kcmLog, err := os.Create(filepath.Join(d.dir, "controller-manager.log"))
	if err != nil {
		return err
	}
	// Istio's real CRDs, from the istio.io/api module, so the mesh step has
	// somewhere to put its objects, and OpenReports', the audit's default
	// report format: without it pave keeps no namespace reports, and `pave
	// audit` has nothing to read.
	mods, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "istio.io/api", "github.com/openreports/reports-api").Output()
	if err != nil {
		return fmt.Errorf("locate the istio.io/api and reports-api modules: %w", err)
	}
	dirs := strings.Fields(string(mods))
	if len(dirs) != 2 {
		return fmt.Errorf("locate the istio.io/api and reports-api modules: go list gave %q", mods)
	}
	crds := []string{filepath.Join(d.root, "manifests", "crds"),
		filepath.Join(dirs[0], "kubernetes", "customresourcedefinitions.gen.yaml"),
		filepath.Join(dirs[1], "config", "crd", "openreports.io_reports.yaml")}
	if d.cluster, err = localcluster.Start(ctx, localcluster.Options{Assets: d.assets, CRDs: crds, Dir: d.dir, Log: kcmLog}); err != nil {
		return err
	}
	fmt.Println("    API server:", d.cluster.Config.Host)

	step("Starting pave-webhook (--self-signed) under the RBAC it ships, and registering it with kubectl apply -k manifests/local")
	// pave acts as a service account bound to manifests/deploy/rbac.yaml's
	// roles, not as the admin: the demo shows what an install may do.
	identity, err := d.cluster.ShippedIdentity(d.dir, filepath.Join(d.root, "manifests", "deploy", "rbac.yaml"), "pave-demo")
	if err != nil {
		return err
	}
	if d.webhook, err = d.cluster.StartWebhook(localcluster.WebhookOptions{
		Binary: d.webhookBin, CertDir: filepath.Join(d.dir, "certs"), Port: webhookPort, ProbePort: probePort,
		Log: filepath.Join(d.dir, "webhook.log"), Kubeconfig: identity,
	}); err != nil {
		return err
	}
	if _, err := d.kubectl("", "apply", "-k", filepath.Join(d.root, "manifests", "local")); err != nil {
		return err
	}
	if err := d.cluster.WaitAdmitting(); err != nil {
		return err
	}
	if err := d.cluster.WaitGuarded(reportguard.PolicyName); err != nil {
		return err
	}
	fmt.Println("    pave is admitting (log:", filepath.Join(d.dir, "webhook.log")+")")

	step("pave render -f examples/services.yaml | kubectl apply -n payments -f -")
	if _, err := d.kubectl("apiVersion: v1\nkind: Namespace\nmetadata: {name: payments, labels: {pave.dev/team: payments}}\n", "apply", "-f", "-"); err != nil {
		return err
	}
	rendered, err := d.cluster.Run(d.pave, "", "render", "-f", filepath.Join(d.root, "examples", "services.yaml"))
	if err != nil {
		return err
	}
	out, err := d.kubectl(rendered, "apply", "-n", "payments", "-f", "-")
	if err != nil {
		return err
	}
	fmt.Print(indent(out))

	step("What pave added to the Deployment (stored object vs. the same manifest without pave)")
	if err := d.showDiff(rendered); err != nil {
		return err
	}

	step("The ReplicaSet's Pods went through admission too")
	if err := d.waitPods(ctx); err != nil {
		return err
	}

	step("kubectl apply -f examples/hostile.yaml: what the platform cannot fix is denied")
	_, err = d.kubectl("", "apply", "-n", "payments", "-f", filepath.Join(d.root, "examples", "hostile.yaml"))
	if err == nil {
		return fmt.Errorf("the hostile Deployment was admitted")
	}
	fmt.Print(indent(err.Error()))

	step("pave audit denials -n payments: what the audit kept of it")
	if err := d.audit(); err != nil {
		return err
	}

	if err := d.mesh(); err != nil {
		return err
	}

	step("Your turn")
	fmt.Printf(`    export KUBECONFIG=%s
    export PATH=%s:$PATH
    kubectl get deployments,pods -n payments
    kubectl apply -n payments -f your-deployment.yaml
`, d.cluster.Kubeconfig, d.assets)
	if noWait {
		return nil
	}
	fmt.Println("\n    Everything keeps running until you press Ctrl-C.")
	<-ctx.Done()
	fmt.Println("\nStopping pave-webhook and the control plane...")
	return nil
}

// showDiff compares the stored Deployment with a server-side dry run of the same
// manifest in kube-system, which pave never touches: both carry the API server's
// defaults, so the difference is exactly what pave added.
func (d *demo) showDiff(rendered string) error {
	deployment := strings.SplitN(strings.TrimPrefix(rendered, "---\n"), "\n---\n", 2)[0]
	without, err := d.kubectl(deployment, "apply", "--dry-run=server", "-n", "kube-system", "-o", "yaml", "-f", "-")
	if err != nil {
		return err
	}
	with, err := d.kubectl("", "get", "deployment", "payment-service", "-n", "payments", "-o", "yaml")
	if err != nil {
		return err
	}
	a, err := clean(without)
	if err != nil {
		return err
	}
	b, err := clean(with)
	if err != nil {
		return err
	}
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b), FromFile: "as written", ToFile: "as stored", Context: 2,
	})
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++"):
			fmt.Printf("    \033[32m%s\033[0m\n", line)
		case strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---"):
			fmt.Printf("    \033[31m%s\033[0m\n", line)
		default:
			fmt.Printf("    %s\n", line)
		}
	}
	return nil
}

// clean drops what differs between any two stored objects (identity, status,
// bookkeeping) so the diff shows content only.
func clean(y string) (string, error) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		return "", err
	}
	delete(m, "status")
	meta, _ := m["metadata"].(map[string]any)
	for _, k := range []string{"managedFields", "uid", "resourceVersion", "generation", "creationTimestamp", "namespace", "annotations"} {
		delete(meta, k)
	}
	out, err := yaml.Marshal(m)
	return string(out), err
}

func (d *demo) waitPods(ctx context.Context) error {
	for range 120 {
		out, err := d.kubectl("", "get", "pods", "-n", "payments", "-l", "app.kubernetes.io/name=payment-service", "-o",
			"custom-columns=POD:.metadata.name,RUN-AS-NON-ROOT:.spec.securityContext.runAsNonRoot,SECCOMP:.spec.securityContext.seccompProfile.type,TOKEN:.spec.automountServiceAccountToken")
		if err == nil && strings.Count(out, "\n") >= 4 {
			fmt.Print(indent(out))
			fmt.Println("    (no kubelet runs here, so they stay Pending: admission is what this shows)")
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("the ReplicaSet's pods did not appear")
}

// mesh turns the mesh on and canaries the example service.
func (d *demo) mesh() error {
	step("The platform team turns the mesh on: PlatformPolicy spec.mesh.mode: istio")
	policy := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"
	if _, err := d.kubectl(policy, "apply", "-f", "-"); err != nil {
		return err
	}
	// The webhook swaps the policy in within moments; wait until admission injects.
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"probe","namespace":"payments"},"spec":{"containers":[{"name":"c","image":"nginx:1.27.3"}]}}`
	var out string
	var err error
	if !poll(60, 250*time.Millisecond, func() bool {
		out, err = d.kubectl(pod, "create", "--dry-run=server", "-o", "jsonpath={.spec.initContainers[0].name}", "-f", "-")
		return err == nil && out == "istio-proxy"
	}) {
		return fmt.Errorf("the mesh policy did not take effect: %q %v", out, err)
	}
	if _, err := d.kubectl("", "rollout", "restart", "-n", "payments", "deployment/payment-service"); err != nil {
		return err
	}
	out, err = d.kubectl("", "get", "deployment", "payment-service", "-n", "payments", "-o",
		"jsonpath=    sidecar: {.spec.template.spec.initContainers[0].name} (restartPolicy {.spec.template.spec.initContainers[0].restartPolicy}), template hash {.spec.template.metadata.annotations.pave\\.dev/sidecar-status}")
	if err != nil {
		return err
	}
	fmt.Println(out)
	// Each Pod is wired into Istio as Istio's injector wires the Pods it
	// injects: istio-cni redirects its traffic, and the kubelet's probes go
	// through Istio's agent, which has the mesh certificate.
	if !poll(60, 500*time.Millisecond, func() bool {
		out, err = d.kubectl("", "get", "pods", "-n", "payments", "-l", "app.kubernetes.io/name=payment-service", "-o",
			`jsonpath={range .items[?(@.metadata.labels.security\.istio\.io/tlsMode)]}    pod {.metadata.name}: tlsMode {.metadata.labels.security\.istio\.io/tlsMode}, readinessProbe -> :{.spec.containers[0].readinessProbe.httpGet.port}{.spec.containers[0].readinessProbe.httpGet.path}{"\n"}{end}`)
		return err == nil && out != ""
	}) {
		return fmt.Errorf("no Pod of payment-service was wired into Istio: %q %v", out, err)
	}
	fmt.Print(strings.SplitAfterN(out, "\n", 2)[0])
	if err := d.waitFor("peerauthentications,destinationrules,virtualservices", 3); err != nil {
		return err
	}

	step("kubectl apply -f examples/canary.yaml: 10%% of payment-service's traffic, and x-canary: true")
	if _, err := d.kubectl("", "apply", "-n", "payments", "-f", filepath.Join(d.root, "examples", "canary.yaml")); err != nil {
		return err
	}
	if !poll(60, 500*time.Millisecond, func() bool {
		out, err = d.kubectl("", "get", "virtualservice", "pave-payment-service", "-n", "payments", "-o",
			`jsonpath={range .spec.http[*]}    route {.name}:{range .route[*]} {.destination.subset}={.weight}{end}{"\n"}{end}`)
		return err == nil && strings.Contains(out, "canary=10")
	}) {
		return fmt.Errorf("the canary split did not appear: %s", out)
	}
	fmt.Print(out)
	return nil
}

// audit waits until the denial is in the namespace's report (pave merges
// denials into it every 2 s) and shows it as `pave audit` reads it.
func (d *demo) audit() error {
	var out string
	var err error
	if !poll(60, 500*time.Millisecond, func() bool {
		// Exit code 1 says it found denials: the output is what counts.
		out, err = d.cluster.Run(d.pave, "", "audit", "denials", "-n", "payments")
		return strings.Contains(out, "miner")
	}) {
		return fmt.Errorf("the denial of the hostile Deployment did not reach the payments report: %q %v", out, err)
	}
	fmt.Print(indent(out))
	return nil
}

// waitFor waits until n objects of the kinds exist in payments, and lists them.
func (d *demo) waitFor(kinds string, n int) error {
	var out string
	if !poll(60, 500*time.Millisecond, func() bool {
		var err error
		out, err = d.kubectl("", "get", kinds, "-n", "payments", "-o", "name")
		return err == nil && strings.Count(out, "\n") >= n
	}) {
		return fmt.Errorf("companion objects did not appear: %q", out)
	}
	fmt.Print(indent(out))
	return nil
}

// poll asks done up to tries times, every apart, until it says so: what the
// demo waits for (the policy in force, a Pod, a companion) has no event to
// watch from kubectl.
func poll(tries int, every time.Duration, done func() bool) bool {
	for range tries {
		if done() {
			return true
		}
		time.Sleep(every)
	}
	return false
}

func (d *demo) kubectl(stdin string, args ...string) (string, error) {
	return d.cluster.Kubectl(stdin, args...)
}

func (d *demo) stop() {
	if d.webhook != nil {
		d.webhook.Stop()
	}
	if d.cluster != nil {
		_ = d.cluster.Stop()
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
}
