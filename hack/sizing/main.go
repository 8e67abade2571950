// Command sizing measures what pave's two roles hold in memory against a
// cluster of a given size: it starts a local control plane, creates the
// Deployments, then one admission and one controller process (managed
// certificates), waits until the controller has written every Deployment's
// companions, and reads each process's resident memory. docs/sizing.md has
// the figures; `go run ./hack/sizing -n 10000` reproduces them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pave-dev/pave/internal/localcluster"
)

func main() {
	n := flag.Int("n", 2000, "Deployments in the cluster")
	assets := flag.String("assets", "bin/assets", "the control plane's binaries (make controlplane)")
	bin := flag.String("bin", "bin/pave-webhook", "the pave-webhook binary, run as the controller (make build)")
	admissionBin := flag.String("admission-bin", "bin/pave-admission", "its admission-only build, run as the admission server as the chart runs it (make build)")
	workers := flag.Int("reconcile-workers", 0, "the controller's --reconcile-workers (0: pave's default)")
	settle := flag.Duration("settle", 20*time.Second, "time after the companions are written before memory is read")
	flag.Parse()
	if err := run(*n, *assets, *bin, *admissionBin, *workers, *settle); err != nil {
		fmt.Fprintln(os.Stderr, "sizing:", err)
		os.Exit(1)
	}
}

func run(n int, assets, bin, admissionBin string, workers int, settle time.Duration) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pave-sizing-")
	if err != nil {
		return err
	}
	if os.Getenv("PAVE_SIZING_KEEP") == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Println("logs in", dir)
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	c, err := localcluster.Start(ctx, localcluster.Options{Assets: abs(assets), CRDs: []string{abs("manifests/crds")}, Dir: dir})
	if err != nil {
		return err
	}
	defer c.Stop()
	cs := kubernetes.NewForConfigOrDie(c.Config)
	for _, ns := range []string{"pave-system", "sizing"} {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"pave.dev/team": "sizing"}}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	start := time.Now()
	if err := createDeployments(ctx, cs, n); err != nil {
		return err
	}
	fmt.Printf("created %d Deployments in %s\n", n, time.Since(start).Round(time.Second))

	managed := []string{"--certificates", "managed"}
	// All four ports at once: picked one by one, a port not yet bound may be
	// picked again.
	ports := localcluster.FreePorts(4)
	controllerArgs := append([]string{"--role", "controller"}, managed...)
	if workers > 0 {
		controllerArgs = append(controllerArgs, fmt.Sprintf("--reconcile-workers=%d", workers))
	}
	controllerStart := time.Now()
	ctrl, err := c.StartWebhook(localcluster.WebhookOptions{Binary: abs(bin), CertDir: filepath.Join(dir, "controller"), Port: ports[0], ProbePort: ports[1],
		Log: filepath.Join(dir, "controller.log"), Args: controllerArgs})
	if err != nil {
		return err
	}
	defer ctrl.Stop()
	adm, err := c.StartWebhook(localcluster.WebhookOptions{Binary: abs(admissionBin), CertDir: filepath.Join(dir, "admission"), Port: ports[2], ProbePort: ports[3],
		Log: filepath.Join(dir, "admission.log"), Args: append([]string{"--role", "admission"}, managed...)})
	if err != nil {
		return err
	}
	defer adm.Stop()
	// The controller is done when every Deployment has its zone policy.
	for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(2 * time.Second) {
		list, err := cs.NetworkingV1().NetworkPolicies("sizing").List(ctx, metav1.ListOptions{})
		if err == nil && len(list.Items) >= n {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("companions of %d Deployments not written within 10 minutes", n)
		}
	}
	fmt.Printf("companions written %s after start (%s after the controller started)\n",
		time.Since(start).Round(time.Second), time.Since(controllerStart).Round(time.Second))
	time.Sleep(settle)
	fmt.Printf("\n%-12s %12s %12s\n", "role", "RSS MiB", "peak MiB")
	for _, p := range []struct {
		role string
		w    *localcluster.Webhook
	}{{"admission", adm}, {"controller", ctrl}} {
		rss, hwm := p.w.Memory()
		fmt.Printf("%-12s %12.0f %12.0f\n", p.role, rss, hwm)
	}
	return nil
}

func createDeployments(ctx context.Context, cs kubernetes.Interface, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				name := fmt.Sprintf("app-%05d", i)
				labels := map[string]string{"app.kubernetes.io/name": name}
				zero := int32(0)
				d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
					Spec: appsv1.DeploymentSpec{Replicas: &zero, Selector: &metav1.LabelSelector{MatchLabels: labels},
						Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
							Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/app:1.0.0",
								Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}}}
				if _, err := cs.AppsV1().Deployments("sizing").Create(ctx, d, metav1.CreateOptions{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
