package ingress

import (
	"crypto/x509"
	"encoding/pem"
	"slices"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// CertificateKind is cert-manager's Certificate: it asks an issuer for a
// certificate of hosts, which the platform's ClusterIssuers sign for any
// namespace that names them.
func CertificateKind() schema.GroupVersionKind {
	return cmapi.SchemeGroupVersion.WithKind(cmapi.CertificateKind)
}

// CertificateRequestKind is cert-manager's CertificateRequest: the signing
// request a Certificate makes, which a team may also write itself (the
// chart's edit role has it, and cert-manager approves every request to its
// issuers), as cert-manager's csi-driver does for a pod's volume.
func CertificateRequestKind() schema.GroupVersionKind {
	return cmapi.SchemeGroupVersion.WithKind(cmapi.CertificateRequestKind)
}

// CertificateHosts are the hosts obj asks an issuer for, lowercased, each
// once: a Certificate's dnsNames and commonName, or the DNS names and common
// name of a CertificateRequest's CSR. IP addresses, URIs and email
// addresses name no host an Ingress routes. ok is false for other objects.
func CertificateHosts(obj any) (hosts []string, ok bool) {
	switch c := obj.(type) {
	case *cmapi.Certificate:
		return unique(append(slices.Clone(c.Spec.DNSNames), c.Spec.CommonName), false), true
	case *cmapi.CertificateRequest:
		csr := RequestedCSR(c)
		if csr == nil {
			return nil, true
		}
		return unique(append(slices.Clone(csr.DNSNames), csr.Subject.CommonName), false), true
	}
	return nil, false
}

// RequestedCSR is the CSR of a CertificateRequest's spec.request, read as
// cert-manager reads it (the first PEM block, parsed as PKCS #10), or nil
// where it cannot be read: cert-manager's webhook refuses such a request,
// and no issuer signs it.
func RequestedCSR(c *cmapi.CertificateRequest) *x509.CertificateRequest {
	block, _ := pem.Decode(c.Spec.Request)
	if block == nil {
		return nil
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil
	}
	return csr
}

// NamesHosts reports whether obj is judged by the hosts it names against
// those other teams route: an Ingress, a Gateway API route, a
// VirtualService bound to a gateway, a Certificate or CertificateRequest,
// a Service whose names external-dns publishes.
func NamesHosts(obj any) bool {
	switch obj.(type) {
	case *cmapi.Certificate, *cmapi.CertificateRequest:
		return true // by its kind, without reading its CSR here
	}
	if _, published := PublishedHosts(obj); published {
		return true
	}
	_, _, routes := HostsOf(obj)
	return routes
}
