package check

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// specErrors are the API server's findings on the parts of a Service's or
// an Ingress's spec without which it is no object at all (Kubernetes 1.37,
// ValidateService and ValidateIngressSpec): a Service that is neither
// headless nor an ExternalName has ports, and an Ingress has rules or a
// default backend. Kyverno's test resources, run through pave check and a
// real API server side by side, had both missing: pave check judged them,
// and kubectl apply then failed. The rest of either spec is the API
// server's to validate, as a pod spec's is (podSpecErrors).
func specErrors(obj any) field.ErrorList {
	switch o := obj.(type) {
	case *corev1.Service:
		if len(o.Spec.Ports) == 0 && !headless(&o.Spec) && o.Spec.Type != corev1.ServiceTypeExternalName {
			return field.ErrorList{field.Required(field.NewPath("spec", "ports"), "")}
		}
	case *networkingv1.Ingress:
		if len(o.Spec.Rules) == 0 && o.Spec.DefaultBackend == nil {
			return field.ErrorList{field.Invalid(field.NewPath("spec"), o.Spec.Rules, "either `defaultBackend` or `rules` must be specified")}
		}
	}
	return nil
}

// headless reports whether a Service's spec is headless as the API server
// judges it for its ports, after it fills clusterIPs in from clusterIP: one
// cluster IP, None, whatever the type.
func headless(spec *corev1.ServiceSpec) bool {
	ips := spec.ClusterIPs
	if len(ips) == 0 && spec.ClusterIP != "" {
		ips = []string{spec.ClusterIP}
	}
	return len(ips) == 1 && ips[0] == corev1.ClusterIPNone
}
