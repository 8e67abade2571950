// Package object decodes Kubernetes objects of any built-in kind into their
// typed Go structs, for the rules that judge objects without a pod template
// (and Istio's traffic objects as unstructured ones).
package object

import (
	"fmt"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// API groups pave reads unstructured: Istio's traffic and security
// objects, prometheus-operator's, the External Secrets Operator's.
const (
	IstioNetworking = "networking.istio.io"
	IstioSecurity   = "security.istio.io"
	// Monitoring is prometheus-operator's API group, whose PodMonitors,
	// ServiceMonitors and PrometheusRules of teams rule monitoring-scope
	// judges.
	Monitoring = "monitoring.coreos.com"
	// ExternalSecrets and ExternalSecretsGenerators are the External
	// Secrets Operator's groups, whose SecretStores and Webhook generators
	// of teams rule secret-webhook-url judges. Its Go API is not a
	// dependency of pave.
	ExternalSecrets           = "external-secrets.io"
	ExternalSecretsGenerators = "generators.external-secrets.io"
)

// Equivalent is the version of gvk the API server sends pave's webhook,
// converting it as matchPolicy Equivalent does: Istio's older networking
// (v1beta1, v1alpha3) and security (v1beta1) versions are v1, field for
// field, and so is the External Secrets Operator's v1beta1 SecretStore
// where pave reads it (its webhook provider). pave check judges
// an input written in them as the webhook would.
func Equivalent(gvk schema.GroupVersionKind) schema.GroupVersionKind {
	switch {
	case gvk.Group == IstioNetworking && (gvk.Version == "v1beta1" || gvk.Version == "v1alpha3") && gvk.Kind != "EnvoyFilter", // v1alpha3 only
		gvk.Group == IstioSecurity && gvk.Version == "v1beta1",
		gvk.Group == ExternalSecrets && gvk.Version == "v1beta1" && gvk.Kind == "SecretStore":
		gvk.Version = "v1"
	}
	return gvk
}

// Object is a typed Kubernetes object with metadata.
type Object = interface {
	metav1.Object
	runtime.Object
}

// Decode decodes JSON into the typed struct of gvk. It fails for kinds the
// client-go scheme does not know, but for the Gateway API routes.
func Decode(gvk schema.GroupVersionKind, data []byte) (Object, error) {
	obj, _, err := decode(gvk, data, false)
	return obj, err
}

// DecodeKnown is Decode that also names the fields of data the kind's Go
// type lacks (jsondecode.UnmarshalKnown), which kubectl's strict field
// validation refuses: pave check reports them.
func DecodeKnown(gvk schema.GroupVersionKind, data []byte) (obj Object, unknown []string, err error) {
	return decode(gvk, data, true)
}

func decode(gvk schema.GroupVersionKind, data []byte, known bool) (Object, []string, error) {
	ro, err := newObject(gvk)
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", gvk.Kind, err)
	}
	obj, ok := ro.(Object)
	if !ok {
		return nil, nil, fmt.Errorf("decode %s: not an object with metadata", gvk.Kind)
	}
	var unknown []string
	if known {
		unknown, err = jsondecode.UnmarshalKnown(data, obj)
	} else {
		err = jsondecode.Unmarshal(data, obj)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", gvk.Kind, err)
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj, unknown, nil
}

// newObject is an empty object of gvk: a built-in kind, or a Gateway API
// route, whose hosts pave judges.
func newObject(gvk schema.GroupVersionKind) (runtime.Object, error) {
	if gvk.Group == gatewayv1.GroupName && gvk.Version == "v1" {
		switch gvk.Kind {
		case "HTTPRoute":
			return &gatewayv1.HTTPRoute{}, nil
		case "GRPCRoute":
			return &gatewayv1.GRPCRoute{}, nil
		case "TLSRoute":
			return &gatewayv1.TLSRoute{}, nil
		case "ListenerSet":
			return &gatewayv1.ListenerSet{}, nil
		}
	}
	if gvk == cmapi.SchemeGroupVersion.WithKind(cmapi.CertificateKind) {
		return &cmapi.Certificate{}, nil // rule certificate-host
	}
	if gvk == cmapi.SchemeGroupVersion.WithKind(cmapi.CertificateRequestKind) {
		return &cmapi.CertificateRequest{}, nil // rule certificate-host, by its CSR
	}
	if gvk.Group == IstioNetworking || gvk.Group == IstioSecurity || gvk.Group == Monitoring ||
		gvk.Group == ExternalSecrets || gvk.Group == ExternalSecretsGenerators {
		// The mesh-*, monitoring-scope and secret-webhook-url rules read a
		// few fields of Istio's, prometheus-operator's and the External
		// Secrets Operator's objects; their typed APIs stay out of the
		// admission server.
		return &unstructured.Unstructured{}, nil
	}
	return clientgoscheme.Scheme.New(gvk)
}
