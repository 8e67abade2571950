package ingress

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ExternalDNSInternalHostname is external-dns's annotation of names it
// publishes for a Service at its cluster IP, where ExternalDNSHostname
// publishes them at its load balancer's or nodes' addresses.
const ExternalDNSInternalHostname = "external-dns.alpha.kubernetes.io/internal-hostname"

// PublishedHostAnnotations are the annotations of a Service whose names
// external-dns publishes for it.
var PublishedHostAnnotations = [...]string{ExternalDNSHostname, ExternalDNSInternalHostname}

// PublishedHosts are the names external-dns publishes in DNS for a Service,
// lowercased, each once, without a final dot. ok is false for other objects
// and for a Service that names none.
func PublishedHosts(obj any) (hosts []string, ok bool) {
	svc, isService := obj.(*corev1.Service)
	if !isService {
		return nil, false
	}
	hosts = unique(namesIn(svc.Annotations, PublishedHostAnnotations[:]), false)
	return hosts, len(hosts) > 0
}

// PublishedHostAnnotation is the annotation of a Service that names host
// (as PublishedHosts has it), or "".
func PublishedHostAnnotation(svc *corev1.Service, host string) string {
	return keyNaming(svc.Annotations, PublishedHostAnnotations[:], host)
}

// Indexed is the family and hosts an object is indexed by (IndexKeys):
// HostsOf, and for a Service the names external-dns publishes for it
// (PublishedHosts, FamilyDNS). ok is false for other objects, and for a
// Service that names none.
func Indexed(obj any) (family string, hosts []string, ok bool) {
	if hosts, ok := PublishedHosts(obj); ok {
		return FamilyDNS, hosts, true
	}
	return HostsOf(obj) // false for a Service
}

// ClaimedHosts are the hosts obj claims whatever serves them, judged
// against the routes of every family: what a Certificate asks an issuer
// for (CertificateHosts), and what external-dns publishes for a Service
// (PublishedHosts). ok is false for other objects.
func ClaimedHosts(obj any) (hosts []string, ok bool) {
	if hosts, ok := CertificateHosts(obj); ok {
		return hosts, true
	}
	return PublishedHosts(obj)
}

// ServiceOfMetadata is the Service whose metadata a cache holds, Services
// being cached as metadata alone (the names external-dns publishes are
// annotations): what PublishedHosts, Indexed and KindOf read.
func ServiceOfMetadata(m *metav1.PartialObjectMetadata) *corev1.Service {
	return &corev1.Service{ObjectMeta: m.ObjectMeta}
}

// ServiceMetadata is an empty Service's metadata, as a cache holds and
// lists it: the kind is set, for the cache to know what it lists.
func ServiceMetadata() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Service"))
	return m
}
