package certs_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/manifest"
)

// The cert-manager overlay's Issuers and Certificates are cert-manager's
// own types (decoded strictly), the serving Certificate covers the Service
// the webhooks call, its Secret is the one the admission replicas mount,
// and the webhook configurations inject its CA.
func TestCertManagerOverlay(t *testing.T) {
	const dir = "../../manifests/overlays/cert-manager/"
	data, err := os.ReadFile(dir + "certificate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var serving *cmapi.Certificate
	issuers := map[string]bool{}
	for _, doc := range manifest.Split("certificate.yaml", data) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc.Raw, &tm); err != nil {
			t.Fatal(err)
		}
		switch tm.Kind {
		default:
			t.Fatalf("unexpected %s in certificate.yaml", tm.Kind)
		case "Issuer":
			var i cmapi.Issuer
			if err := yaml.UnmarshalStrict(doc.Raw, &i); err != nil {
				t.Fatalf("Issuer: %v", err)
			}
			issuers[i.Name] = true
		case "Certificate":
			var c cmapi.Certificate
			if err := yaml.UnmarshalStrict(doc.Raw, &c); err != nil {
				t.Fatalf("Certificate: %v", err)
			}
			if !issuers[c.Spec.IssuerRef.Name] {
				t.Errorf("Certificate %s names Issuer %s, not defined before it", c.Name, c.Spec.IssuerRef.Name)
			}
			if c.Name == "pave-webhook" {
				serving = &c
			}
		}
	}
	if serving == nil {
		t.Fatal("no Certificate pave-webhook")
	}
	for _, name := range []string{"pave-webhook.pave-system.svc", "pave-webhook.pave-system.svc.cluster.local"} {
		if !slices.Contains(serving.Spec.DNSNames, name) {
			t.Errorf("the serving Certificate does not cover %s", name)
		}
	}
	k, err := os.ReadFile(dir + "kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"secretName: " + serving.Spec.SecretName, "cert-manager.io/inject-ca-from: pave-system/" + serving.Name} {
		if !strings.Contains(string(k), want) {
			t.Errorf("kustomization.yaml lacks %q", want)
		}
	}
}
