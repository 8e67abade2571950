package ingress

import (
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

// CertificateHosts are the hosts a Certificate asks for: its dnsNames and
// its commonName, lowercased, each once. Its IP addresses, URIs and email
// addresses name no host an Ingress routes.
func CertificateHosts(c *cmapi.Certificate) []string {
	return unique(append(slices.Clone(c.Spec.DNSNames), c.Spec.CommonName), false)
}

// NamesHosts reports whether obj is judged by the hosts it names against
// those other teams route: an Ingress, a Gateway API route, a
// VirtualService bound to a gateway, a Certificate.
func NamesHosts(obj any) bool {
	_, isCertificate := obj.(*cmapi.Certificate)
	_, _, routes := HostsOf(obj)
	return isCertificate || routes
}
