package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/internal/localcluster"
	"github.com/pave-dev/pave/pkg/manifest"
)

// bench holds the running pieces: pave's two processes and the no-op server.
type bench struct {
	o                     options
	cs                    kubernetes.Interface
	cl                    *localcluster.Cluster
	controller, admission *localcluster.Webhook
	pavePort, noopPort    int
	pprofPort             int
	noopCA                []byte
	client                *http.Client
}

// The namespaces of the arms through the API server, by the label bench-arm.
const (
	nsNone = "bench-none" // no webhook matches it
	nsNoop = "bench-noop" // only the no-op webhooks
	nsPave = "bench-pave" // pave, mesh on
)

func newBench(ctx context.Context, cl *localcluster.Cluster, bin, dir string, o options) (*bench, error) {
	b := &bench{o: o, cl: cl, cs: kubernetes.NewForConfigOrDie(cl.Config), pavePort: localcluster.FreePort(), noopPort: localcluster.FreePort(), client: newClient(o.c)}
	for name, labels := range map[string]map[string]string{
		"pave-system": nil, nsNone: {"bench-arm": "none"}, nsNoop: {"bench-arm": "noop"}, nsPave: {"bench-arm": "pave", "pave.dev/team": benchdata.Team},
		"bench-fill": {"bench-arm": "pave", "pave.dev/team": benchdata.Team},
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
	managed := []string{"--certificates", "managed", "--audit-log", "off"}
	var err error
	if b.controller, err = cl.StartWebhook(localcluster.WebhookOptions{Binary: bin, CertDir: filepath.Join(dir, "controller"), Port: localcluster.FreePort(), ProbePort: localcluster.FreePort(),
		Log: filepath.Join(dir, "controller.log"), Args: append([]string{"--role", "controller"}, managed...)}); err != nil {
		return nil, err
	}
	admission := append([]string{"--role", "admission"}, managed...)
	if o.profile != "" {
		b.pprofPort = localcluster.FreePort()
		admission = append(admission, "--pprof-bind-address", fmt.Sprintf("127.0.0.1:%d", b.pprofPort))
	}
	if b.admission, err = cl.StartWebhook(localcluster.WebhookOptions{Binary: bin, CertDir: filepath.Join(dir, "admission"), Port: b.pavePort, ProbePort: localcluster.FreePort(),
		Log: filepath.Join(dir, "admission.log"), Args: admission}); err != nil {
		return nil, err
	}
	if b.noopCA, err = noopServer(ctx, filepath.Join(dir, "noop"), b.noopPort); err != nil {
		return nil, err
	}
	if err := b.noopConfigurations(ctx); err != nil {
		return nil, err
	}
	// The mesh policy is in force when a mutation injects the sidecar.
	probe := b.webhookArm("mutate", "/mutate", benchdata.Compliant(1))
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if _, err := post(b.client, probe); err == nil {
			return b, nil
		} else if time.Now().After(deadline) {
			return nil, fmt.Errorf("pave is not injecting with the mesh policy: %w", err)
		}
	}
}

func (b *bench) stop() {
	for _, w := range []*localcluster.Webhook{b.admission, b.controller} {
		if w != nil {
			w.Stop()
		}
	}
}

// webhookConfigurations installs pave's own configurations, pointed at the
// admission process, minus the namespaces of the baseline arms.
func (b *bench) webhookConfigurations(ctx context.Context) error {
	data, err := os.ReadFile("manifests/webhook/webhook-configurations.yaml")
	if err != nil {
		return err
	}
	notBaseline := metav1.LabelSelectorRequirement{Key: "bench-arm", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"none", "noop"}}
	for _, doc := range manifest.Split("webhook-configurations.yaml", data) {
		if strings.Contains(string(doc.Raw), "kind: MutatingWebhookConfiguration") {
			var m admissionregistrationv1.MutatingWebhookConfiguration
			if err := yaml.Unmarshal(doc.Raw, &m); err != nil {
				return err
			}
			for i := range m.Webhooks {
				m.Webhooks[i].ClientConfig = b.paveURL(m.Webhooks[i].ClientConfig)
				m.Webhooks[i].NamespaceSelector.MatchExpressions = append(m.Webhooks[i].NamespaceSelector.MatchExpressions, notBaseline)
			}
			if _, err := b.cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, &m, metav1.CreateOptions{}); err != nil {
				return err
			}
			continue
		}
		var v admissionregistrationv1.ValidatingWebhookConfiguration
		if err := yaml.Unmarshal(doc.Raw, &v); err != nil {
			return err
		}
		for i := range v.Webhooks {
			v.Webhooks[i].ClientConfig = b.paveURL(v.Webhooks[i].ClientConfig)
			v.Webhooks[i].NamespaceSelector.MatchExpressions = append(v.Webhooks[i].NamespaceSelector.MatchExpressions, notBaseline)
		}
		if _, err := b.cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &v, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) paveURL(c admissionregistrationv1.WebhookClientConfig) admissionregistrationv1.WebhookClientConfig {
	url := fmt.Sprintf("https://127.0.0.1:%d%s", b.pavePort, *c.Service.Path)
	return admissionregistrationv1.WebhookClientConfig{URL: &url} // the controller injects the caBundle
}

// noopConfigurations match the no-op arm's namespace with one mutating and
// one validating webhook that do nothing: the floor any webhook pays.
func (b *bench) noopConfigurations(ctx context.Context) error {
	url := fmt.Sprintf("https://127.0.0.1:%d/noop", b.noopPort)
	none, fail, timeout := admissionregistrationv1.SideEffectClassNone, admissionregistrationv1.Fail, int32(5)
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"bench-arm": "noop"}}
	rules := []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments"}}}}
	cc := admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: b.noopCA}
	if _, err := b.cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "bench-noop"}, Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "noop.bench.pave.dev", ClientConfig: cc,
			Rules: rules, NamespaceSelector: sel, SideEffects: &none, FailurePolicy: &fail, TimeoutSeconds: &timeout, AdmissionReviewVersions: []string{"v1"}}}},
		metav1.CreateOptions{}); err != nil {
		return err
	}
	_, err := b.cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "bench-noop"}, Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "noop.bench.pave.dev", ClientConfig: cc,
			Rules: rules, NamespaceSelector: sel, SideEffects: &none, FailurePolicy: &fail, TimeoutSeconds: &timeout, AdmissionReviewVersions: []string{"v1"}}}},
		metav1.CreateOptions{})
	return err
}

// profile records the admission server's CPU profile while each of pave's
// arms runs alone, to prefix-<arm>.pprof.
func (b *bench) profile(prefix string) error {
	validate, err := b.validateArm("validate", benchdata.Compliant(1))
	if err != nil {
		return err
	}
	for _, a := range []arm{b.webhookArm("mutate", "/mutate", benchdata.Compliant(1)), validate} {
		done := make(chan error, 1)
		go func() {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=4", b.pprofPort))
			if err != nil {
				done <- err
				return
			}
			defer resp.Body.Close()
			f, err := os.Create(prefix + "-" + a.name + ".pprof")
			if err != nil {
				done <- err
				return
			}
			defer f.Close()
			_, err = io.Copy(f, resp.Body)
			done <- err
		}()
		if _, err := hammer(b.client, a, b.o.c, 5*time.Second); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
	}
	return nil
}
