package localcluster

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// WebhookOptions start a pave-webhook process against a Cluster.
type WebhookOptions struct {
	// Binary is the pave-webhook executable.
	Binary string
	// CertDir receives the self-signed certificate.
	CertDir string
	// Port serves the webhooks; ProbePort serves /readyz on 127.0.0.1;
	// MetricsPort, when set, serves /metrics on 127.0.0.1 (0: none).
	Port, ProbePort, MetricsPort int
	// Log is the file the server's output is appended to.
	Log string
	// Args replace --self-signed: a role and a certificate mode, for the
	// processes of a split install (--role admission, --certificates managed).
	Args []string
	// Env is added to the server's environment (GOMEMLIMIT=..., say).
	Env []string
	// Kubeconfig is the identity the server acts as (ServiceAccountKubeconfig);
	// empty: the cluster's admin.
	Kubeconfig string
}

// Webhook is a running pave-webhook in --self-signed mode.
type Webhook struct {
	cmd  *exec.Cmd
	done chan error
	// exited is closed once the process has ended; err is how.
	exited chan struct{}
	err    error
	log    string
}

// StartWebhook starts pave-webhook and returns once it reports ready.
func (c *Cluster) StartWebhook(o WebhookOptions) (*Webhook, error) {
	if err := PortsFree(o.Port, o.ProbePort, o.MetricsPort); err != nil {
		return nil, err
	}
	log, err := os.OpenFile(o.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	metrics := "0"
	if o.MetricsPort != 0 {
		metrics = fmt.Sprintf("127.0.0.1:%d", o.MetricsPort)
	}
	mode := o.Args
	if mode == nil {
		mode = []string{"--self-signed"}
	}
	cmd := exec.Command(o.Binary, append(mode, "--cert-dir", o.CertDir,
		"--port", fmt.Sprint(o.Port),
		"--metrics-bind-address", metrics,
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", o.ProbePort))...)
	kubeconfig := o.Kubeconfig
	if kubeconfig == "" {
		kubeconfig = c.Kubeconfig
	}
	cmd.Env = append(append(os.Environ(), "KUBECONFIG="+kubeconfig), o.Env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start pave-webhook: %w", err)
	}
	w := &Webhook{cmd: cmd, done: make(chan error, 1), exited: make(chan struct{}), log: o.Log}
	go func() {
		w.err = cmd.Wait()
		log.Close()
		close(w.exited)
		w.done <- w.err
	}()

	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", o.ProbePort)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-w.exited:
			return nil, fmt.Errorf("pave-webhook exited: %v (see %s)", w.err, o.Log)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return w, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	w.Stop()
	return nil, fmt.Errorf("pave-webhook not ready within 60s (is port %d free? see %s)", o.Port, o.Log)
}

// PortsFree says which of ports (0: none) something already listens on.
// A server left from another run (a second `make demo`) would answer there
// in the new one's place: its /readyz made the new server look started,
// and its certificate made the API server refuse every call.
func PortsFree(ports ...int) error {
	for _, p := range ports {
		if p == 0 {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf(":%d", p))
		if err != nil {
			return fmt.Errorf("port %d is in use (%v): stop what listens there, another `make demo` perhaps, and start again", p, err)
		}
		l.Close()
	}
	return nil
}

// Stop ends the server gracefully, or kills it after 15 seconds.
// Stopping one that has already ended does nothing.
func (w *Webhook) Stop() {
	select {
	case <-w.exited:
		return
	default:
	}
	stop(w.cmd, w.done, 15*time.Second)
}

// Pid is the server's process id.
func (w *Webhook) Pid() int { return w.cmd.Process.Pid }

// Kill ends the server at once, as a crashed node would: no lease released.
func (w *Webhook) Kill() {
	_ = w.cmd.Process.Kill()
	<-w.exited
}

// WaitAdmitting waits until the API server calls pave with a trusted CA (the
// caBundle is injected asynchronously): a server-side dry run of a plain Pod
// comes back hardened.
func (c *Cluster) WaitAdmitting() error {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"probe","namespace":"default"},"spec":{"containers":[{"name":"c","image":"nginx:1.27.3"}]}}`
	return waitFor("the API server does not reach pave-webhook", func() error {
		out, err := c.Kubectl(pod, "create", "--dry-run=server", "-o", "jsonpath={.spec.securityContext.runAsNonRoot}", "-f", "-")
		if err == nil && out == "true" {
			return nil
		}
		return fmt.Errorf("dry run answered %q, %v", out, err)
	})
}

// WaitGuarded waits until the API server has the ValidatingAdmissionPolicy
// bindings named. pave's controller writes its guards moments after it
// starts; until then the writes they refuse go through (a report named
// pave among them, which pave then starts again: docs/audit.md).
func (c *Cluster) WaitGuarded(bindings ...string) error {
	return waitFor("pave's controller has not written its guards", func() error {
		_, err := c.Kubectl("", append([]string{"get", "validatingadmissionpolicybindings", "-o", "name"}, bindings...)...)
		return err
	})
}

// waitFor asks cond every 250 ms until it holds, for a minute at most; the
// error says what did not happen, with cond's last answer.
func waitFor(what string, cond func() error) error {
	var last error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if last = cond(); last == nil {
			return nil
		}
	}
	return fmt.Errorf("%s: %w", what, last)
}

// Kubectl runs the real kubectl against the cluster with stdin; the error
// carries kubectl's stderr.
func (c *Cluster) Kubectl(stdin string, args ...string) (string, error) {
	return c.Run(c.assets+"/kubectl", stdin, args...)
}

// Run runs a binary with KUBECONFIG pointing at the cluster. A failure is
// a *RunError: what the binary wrote to stderr.
func (c *Cluster) Run(bin, stdin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+c.Kubeconfig)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return out.String(), &RunError{Stderr: msg, Err: err}
	}
	return out.String(), nil
}

// RunError is a binary's failure: its message is what the binary wrote to
// stderr (how it ended, when it wrote nothing), and it wraps how it ended,
// an *exec.ExitError for its exit code.
type RunError struct {
	Stderr string
	Err    error
}

func (e *RunError) Error() string { return e.Stderr }
func (e *RunError) Unwrap() error { return e.Err }
