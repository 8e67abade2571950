// Package csrtest writes certificate signing requests for the tests of
// rules that read them (certificate-host judges a cert-manager
// CertificateRequest by the hosts of its CSR).
package csrtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"
)

// PEM is a PEM-encoded CSR for commonName and dnsNames, as cmctl or
// cert-manager's csi-driver writes one into a CertificateRequest.
func PEM(t testing.TB, commonName string, dnsNames ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: commonName}, DNSNames: dnsNames}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}
