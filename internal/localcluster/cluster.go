// Package localcluster runs a real control plane on loopback for the e2e tests
// and `make demo`: etcd and kube-apiserver through controller-runtime's envtest,
// plus kube-controller-manager (Deployments become ReplicaSets become Pods;
// the garbage collector deletes what owners leave behind). The binaries come
// from hack/controlplane.sh; nothing is downloaded.
package localcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Options configure a cluster.
type Options struct {
	// Assets is the directory with etcd, kube-apiserver, kube-controller-manager,
	// kubectl and helm (bin/assets).
	Assets string
	// CRDs are directories of CRD manifests installed before Start returns.
	CRDs []string
	// Dir receives the admin kubeconfig and the controller manager's log.
	Dir string
	// Log receives the controller manager's output; nil discards it.
	Log io.Writer
	// ControllerQPS, when set, lets the controller manager make this many
	// API requests a second (its default, 20, makes filling a cluster with
	// thousands of Pods take many minutes).
	ControllerQPS int
}

// Cluster is a running control plane.
type Cluster struct {
	// Config reaches the API server as a cluster admin.
	Config *rest.Config
	// Kubeconfig is the path of an admin kubeconfig for kubectl and helm.
	Kubeconfig string
	assets     string
	env        *envtest.Environment
	kcm        *exec.Cmd
	kcmDone    chan error
}

// Start brings up etcd, kube-apiserver and kube-controller-manager and returns
// once the controller manager is at work.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	for _, bin := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kubectl"} {
		if _, err := os.Stat(filepath.Join(o.Assets, bin)); err != nil {
			return nil, fmt.Errorf("%s not found in %s: build the control plane with hack/controlplane.sh (make controlplane)", bin, o.Assets)
		}
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: o.Assets,
		CRDDirectoryPaths:     o.CRDs,
		ErrorIfCRDPathMissing: true,
	}
	// envtest turns the ServiceAccount admission plugin off; a real cluster has
	// it, and it is what gives every Pod its serviceAccountName (a projected
	// token volume, like the mesh sidecar's, is invalid without one).
	env.ControlPlane.GetAPIServer().Configure().Disable("disable-admission-plugins")
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("start etcd and kube-apiserver: %w", err)
	}
	c := &Cluster{Config: cfg, env: env, assets: o.Assets}
	user, err := env.AddUser(envtest.User{Name: "pave-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("admin user: %w", err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		_ = c.Stop()
		return nil, err
	}
	c.Kubeconfig = filepath.Join(o.Dir, "kubeconfig")
	if err := os.WriteFile(c.Kubeconfig, kc, 0o600); err != nil {
		_ = c.Stop()
		return nil, err
	}
	if err := c.startControllerManager(ctx, o); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) startControllerManager(ctx context.Context, o Options) error {
	// The controllers act under the identity a real cluster gives them, which
	// pave trusts for the owner references of what they create (exceptions
	// cover a Deployment's ReplicaSets and pods). system:masters stands in for
	// the per-controller roles, which need service-account credentials.
	user, err := c.env.AddUser(envtest.User{Name: "system:kube-controller-manager", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("controller manager user: %w", err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return err
	}
	kubeconfig := filepath.Join(o.Dir, "kube-controller-manager.kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		return err
	}
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		// Token signing needs the API server's service-account key, which a local
		// control plane without kubelets has no use for.
		"--controllers=*,-serviceaccount-token",
	}
	if o.ControllerQPS > 0 {
		args = append(args, fmt.Sprintf("--kube-api-qps=%d", o.ControllerQPS), fmt.Sprintf("--kube-api-burst=%d", 2*o.ControllerQPS))
	}
	c.kcm = exec.Command(filepath.Join(o.Assets, "kube-controller-manager"), args...)
	out := o.Log
	if out == nil {
		out = io.Discard
	}
	c.kcm.Stdout, c.kcm.Stderr = out, out
	if err := c.kcm.Start(); err != nil {
		return fmt.Errorf("start kube-controller-manager: %w", err)
	}
	c.kcmDone = make(chan error, 1)
	go func() { c.kcmDone <- c.kcm.Wait() }()

	// The serviceaccount controller creating "default" in "default" shows the
	// controller manager is up and reconciling.
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-c.kcmDone:
			return fmt.Errorf("kube-controller-manager exited: %v (its output is in the log)", err)
		default:
		}
		var sa corev1.ServiceAccount
		if err := cs.CoreV1().RESTClient().Get().Namespace("default").Resource("serviceaccounts").Name("default").Do(ctx).Into(&sa); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("kube-controller-manager did not start reconciling within 90s")
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// Stop ends the controller manager, then the API server and etcd.
func (c *Cluster) Stop() error {
	if c.kcm != nil && c.kcm.Process != nil {
		stop(c.kcm, c.kcmDone, 10*time.Second)
	}
	return c.env.Stop()
}

// stop interrupts a process and waits for it to exit (done is its Wait
// result), killing it if it takes longer than grace.
func stop(cmd *exec.Cmd, done <-chan error, grace time.Duration) {
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}
