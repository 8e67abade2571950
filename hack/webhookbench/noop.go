package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/certs"
	pavewebhook "github.com/pave-dev/pave/pkg/webhook"
)

// noopProcess is the floor: controller-runtime's webhook server with pave's
// TLS settings and request deadline, answering every review "allowed" with no
// work, in a process of its own as pave's admission server is and any webhook
// in a cluster would be. (Served from the load generator's own process, it
// shared its Go runtime with the clients and answered a third more requests
// than the same server in a process of its own: docs/performance.md.)
// It returns the process and the CA that signed its certificate.
func noopProcess(ctx context.Context, dir string, port int) (*exec.Cmd, []byte, error) {
	b, err := certs.SelfSigned([]string{"127.0.0.1", "localhost"}, time.Now(), 24*time.Hour)
	if err != nil {
		return nil, nil, err
	}
	if err := b.Write(dir); err != nil {
		return nil, nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-serve-noop", strconv.Itoa(port), "-serve-noop-certs", dir)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives the benchmark
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start the no-op webhook server: %w", err)
	}
	if err := waitServing(port); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, nil, err
	}
	return cmd, b.CACert, nil
}

// noopInGenerator serves the same no-op webhook from this process, the load
// generator's, as the benchmark did until stop 23: an informational floor,
// so that each run shows what the process apart changes (docs/performance.md).
func noopInGenerator(certDir string, port int) error {
	go func() { _ = serveNoop(port, certDir) }()
	return waitServing(port)
}

// waitServing waits until a no-op server answers on port.
func waitServing(port int) error {
	client := newClient(1)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/noop", port)); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				return nil
			}
		}
	}
	return fmt.Errorf("the no-op webhook server did not start on port %d", port)
}

// serveNoop runs the no-op server (noopProcess's child) until it is killed.
func serveNoop(port int, certDir string) error {
	srv := webhook.NewServer(webhook.Options{Port: port, Host: "127.0.0.1", CertDir: certDir,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12; c.NextProtos = []string{"http/1.1"} }}})
	allow := admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { return admission.Allowed("") })
	srv.Register("/noop", pavewebhook.WithReadDeadline(3*time.Second, (&admission.Webhook{Handler: allow}).WithRecoverPanic(true)))
	answers := map[string]admission.HandlerFunc{labelArm: answerWith(func() ([]byte, error) { return []byte(oneLabel), nil })}
	for _, arm := range patchedArms() {
		answers[arm] = patchedAnswer(filepath.Join(certDir, patchFile(arm)))
	}
	for arm, answer := range answers {
		srv.Register(patchedPath+arm, pavewebhook.WithReadDeadline(3*time.Second, (&admission.Webhook{Handler: answer}).WithRecoverPanic(true)))
	}
	return srv.Start(context.Background())
}

// patchedPath is where the no-op server answers each /mutate arm's request
// with the patch pave answered it with, found once: the floor of a webhook
// that must send pave's answer, with no work to find it.
const patchedPath = "/noop-patched/"

// patchFile is the file in the no-op server's directory that holds pave's
// patch for arm; the benchmark writes it before the arm's first request.
func patchFile(arm string) string { return "patch-" + arm + ".json" }

// apiArm names the patch the no-op mutating webhooks of nsNoopPatched send.
const apiArm = "api"

// labelArm names the patch the no-op mutating webhooks of nsNoopLabelled
// send: one label added (oneLabel), the least a webhook that changes a
// Deployment at all makes the API server do.
const labelArm = "label"

// oneLabel is labelArm's patch. The benchmark's Deployments have labels.
const oneLabel = `[{"op":"add","path":"/metadata/labels/bench.pave.dev~1labelled","value":"true"}]`

// patchedArms are the arms the no-op server sends pave's patch for: each
// /mutate arm's, and the API server's.
func patchedArms() []string {
	arms := []string{apiArm}
	for _, a := range webhookArmNames() {
		if strings.HasPrefix(a, "mutate") {
			arms = append(arms, a)
		}
	}
	return arms
}

// patchedAnswer allows every review, a Deployment's with the patch in file
// (read at the first request).
func patchedAnswer(file string) admission.HandlerFunc {
	return answerWith(sync.OnceValues(func() ([]byte, error) { return os.ReadFile(file) }))
}

// answerWith allows every review, a Deployment's with the patch read
// returns: pave's patch for a ReplicaSet made from a mutated template is
// empty.
func answerWith(read func() ([]byte, error)) admission.HandlerFunc {
	jsonPatch := admissionv1.PatchTypeJSONPatch
	return func(_ context.Context, r admission.Request) admission.Response {
		if r.Kind.Kind != "Deployment" {
			return admission.Allowed("")
		}
		patch, err := read()
		if err != nil {
			return admission.Errored(http.StatusInternalServerError, err)
		}
		return admission.Response{AdmissionResponse: admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: &jsonPatch}}
	}
}
